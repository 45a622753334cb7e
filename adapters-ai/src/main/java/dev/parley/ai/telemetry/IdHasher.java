package dev.parley.ai.telemetry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Turns an id (a chat's, a user's) into a salted hash that can appear in logs: the first 16 hex
 * digits of SHA-256(salt ‖ 0x00 ‖ id). It is the same function as the REST adapter's
 * {@code Pseudonyms} (adapters may not share code), so with the same {@code parley.telemetry.salt}
 * a chat has the same hash in every event, whichever adapter wrote it; without the salt the id
 * cannot be recovered or confirmed by guessing.
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
}
