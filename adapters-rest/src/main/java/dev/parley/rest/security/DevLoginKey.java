package dev.parley.rest.security;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The development sign-in's signing key: an RSA key pair generated when the application first needs
 * it, held in memory only and never written anywhere, so its tokens are worthless to any other server
 * and to this one after a restart. {@link JwtKeysConfigSource} adds its public half to the keys the
 * MicroProfile JWT feature trusts (only while the development sign-in is on); {@link DevLoginResource}
 * signs with its private half. One per application class loader: each deployed copy of the WAR has its own.
 */
final class DevLoginKey {
    /** Looked up once: {@code Json.createX} looks the provider up on every call (a service-loader scan). */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair keys;
    private final String keyId;

    private DevLoginKey(KeyPair keys, String keyId) {
        this.keys = keys;
        this.keyId = keyId;
    }

    /** The key of this application, created on first use. */
    static DevLoginKey instance() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        private static final DevLoginKey INSTANCE = generate(new SecureRandom());
    }

    static DevLoginKey generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, random);
            byte[] id = new byte[8];
            random.nextBytes(id);
            return new DevLoginKey(generator.generateKeyPair(), "parley-dev-login-" + HexFormat.of().formatHex(id));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the development sign-in key", e);
        }
    }

    String keyId() {
        return keyId;
    }

    /** The public key as a JSON Web Key (RFC 7517) with its {@code kid}, for RS256 signatures. */
    JsonObject publicJwk() {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        return JSON.createObjectBuilder()
                .add("kty", "RSA")
                .add("use", "sig")
                .add("alg", "RS256")
                .add("kid", keyId)
                .add("n", JwtKeysConfigSource.unsigned(key.getModulus()))
                .add("e", JwtKeysConfigSource.unsigned(key.getPublicExponent()))
                .build();
    }

    /** A compact JWS (RS256) of {@code claims}, with this key's {@code kid} in the header. */
    String sign(JsonObject claims) {
        JsonObject header = JSON.createObjectBuilder().add("alg", "RS256").add("typ", "JWT").add("kid", keyId).build();
        String signingInput = encode(header.toString()) + "." + encode(claims.toString());
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a development token", e);
        }
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
