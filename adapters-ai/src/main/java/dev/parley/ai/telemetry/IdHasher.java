package dev.parley.ai.telemetry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns an id (a chat's, a user's) into a salted hash that can appear in logs: HMAC-SHA256 keyed by
 * the salt, the first 16 hex digits (64 bits). The same salt gives the same hash, so events of one
 * chat can be correlated; without the salt the id cannot be recovered or confirmed by guessing.
 *
 * <p>Immutable and thread-safe.
 */
public final class IdHasher {
    private static final String ALGORITHM = "HmacSHA256";
    private static final int HEX_DIGITS = 16;

    private final SecretKeySpec key;

    public IdHasher(String salt) {
        Objects.requireNonNull(salt, "salt");
        if (salt.isEmpty()) {
            throw new IllegalArgumentException("salt must not be empty");
        }
        this.key = new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The salted hash of {@code id} (its string form), 16 lower-case hex digits. */
    public String hash(Object id) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(String.valueOf(id).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
