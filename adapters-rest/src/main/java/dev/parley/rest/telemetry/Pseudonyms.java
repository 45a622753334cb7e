package dev.parley.rest.telemetry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Salted, truncated SHA-256 of ids, so telemetry can correlate events of one chat or user without
 * revealing which one it is. Thread-safe.
 */
public final class Pseudonyms {
    private final byte[] salt;

    public Pseudonyms(String salt) {
        this.salt = Objects.requireNonNull(salt, "salt").getBytes(StandardCharsets.UTF_8);
    }

    /** The first 16 hex digits of SHA-256(salt ‖ id). */
    public String of(Object id) {
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
