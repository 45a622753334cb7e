package dev.parley.application.user;

/**
 * The identity claims of an authenticated request, as the token carried them (any of them may be
 * null; none is trusted): {@code sub}, {@code name}, {@code preferred_username}, {@code locale}.
 */
public record ResolveCallerCommand(String subject, String name, String preferredUsername, String locale) {
}
