package it.dev.parley.pgbouncer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

/**
 * The token issuer of the Liberty servers these tests start: one RSA key pair per test JVM, its public
 * half the servers' {@code mp.jwt.verify.publickey.location}. A token it signs is valid on every
 * instance, as a real identity provider's is (the development sign-in's key is per instance).
 */
final class TestIssuer {
    static final String ISSUER = "https://issuer.pgb.test";
    private static final KeyPair KEYS = generate();
    private static Path publicKey;

    private TestIssuer() {
    }

    /** The PEM file of the public key, written on first use under {@code target/}. */
    static synchronized Path publicKeyFile() {
        if (publicKey == null) {
            try {
                Path dir = Files.createDirectories(Path.of(System.getProperty("parley.pgbouncer.work-dir", "target/pgbouncer")));
                publicKey = dir.resolve("issuer-public.pem");
                Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(KEYS.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return publicKey;
    }

    /** An RS256 bearer token for {@code subject}, valid for an hour. */
    static String token(String subject) {
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"preferred_username\":\"" + subject
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}";
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String input = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(KEYS.getPrivate());
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + base64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
