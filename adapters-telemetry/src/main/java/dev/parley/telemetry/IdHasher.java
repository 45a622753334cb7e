package dev.parley.telemetry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns an id (a chat's) into a salted hash that can appear in logs: the first 16 hex digits of
 * SHA-256(salt ‖ 0x00 ‖ id). With the same {@code parley.telemetry.salt} a chat has the same hash in
 * every event and across restarts; without the salt the id cannot be recovered or confirmed by
 * guessing.
 *
 * <p>Immutable and thread-safe.
 */
public final class IdHasher {
    private final byte[] salt;

    public IdHasher(String salt) {
        Objects.requireNonNull(salt, "salt");
        if (salt.isEmpty()) {
            throw new IllegalArgumentException("salt must not be empty");
        }
        this.salt = salt.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A hasher with the configured salt, or, when it is absent or blank, a random one drawn now
     * (hashes then correlate within one run only).
     */
    public static IdHasher withSaltOrRandom(Optional<String> salt) {
        return new IdHasher(salt.filter(s -> !s.isBlank()).orElseGet(IdHasher::randomSalt));
    }

    /** The salted hash of {@code id} (its string form), 16 lower-case hex digits. */
    public String hash(Object id) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            digest.update((byte) 0);
            byte[] hash = digest.digest(String.valueOf(id).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String randomSalt() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
