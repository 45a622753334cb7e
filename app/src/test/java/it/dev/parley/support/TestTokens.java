package it.dev.parley.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * Tokens of the IT server's test issuer ({@code mp.jwt.verify.issuer} and the public key in the test
 * drop-in), signed here with its private key ({@code src/test/resources/it-jwt}, test-only), and crafted
 * bad ones. With the development sign-in on, the server trusts a key set of several keys and picks one
 * by the token's {@code kid}: a token of the test issuer names its key by the RFC 7638 thumbprint.
 */
public final class TestTokens {
    public static final String ISSUER = "https://issuer.parley.test";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final RSAPrivateCrtKey KEY = load();

    private TestTokens() {
    }

    /** Claims of a token of the test issuer for {@code subject}, valid for ten minutes from now. */
    public static JsonObjectBuilder claims(String subject) {
        long now = Instant.now().getEpochSecond();
        return Json.createObjectBuilder().add("iss", ISSUER).add("sub", subject).add("iat", now).add("exp", now + 600);
    }

    /** The claims signed (RS256) with the test issuer's key, naming it by its thumbprint. */
    public static String signed(JsonObjectBuilder claims) {
        return sign(header().build(), claims.build(), KEY);
    }

    /** An RS256 header naming the test issuer's key. */
    public static JsonObjectBuilder header() {
        return Json.createObjectBuilder().add("alg", "RS256").add("typ", "JWT").add("kid", keyId());
    }

    /** The RFC 7638 thumbprint of the test issuer's public key. */
    public static String keyId() {
        String canonical = "{\"e\":\"" + unsigned(KEY.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + unsigned(KEY.getModulus()) + "\"}";
        try {
            return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compact JWS of {@code header} and {@code claims} signed with {@code key} (SHA256withRSA). */
    public static String sign(JsonObject header, JsonObject claims, PrivateKey key) {
        String input = encode(header) + "." + encode(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + BASE64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}) of the claims. */
    public static String unsigned(JsonObjectBuilder claims) {
        return encode(Json.createObjectBuilder().add("alg", "none").add("typ", "JWT").build()) + "."
                + encode(claims.build()) + ".";
    }

    private static String encode(JsonObject json) {
        return BASE64URL.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return BASE64URL.encodeToString(bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes);
    }

    private static RSAPrivateCrtKey load() {
        try (InputStream in = TestTokens.class.getResourceAsStream("/it-jwt/test-issuer-private.pem")) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
