package dev.parley.rest.security;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes Liberty's MicroProfile JWT feature trust the development sign-in's key next to the configured
 * issuer's, while (and only while) {@code parley.auth.dev-login.enabled} is true
 * (docs/architecture.md#identity).
 *
 * <p>The feature reads {@code mp.jwt.verify.publickey} through the application's MicroProfile Config,
 * and a JSON Web Key Set there may hold several keys: it picks the one whose {@code kid} the token names.
 * So, with the development sign-in on, this source (ordinal {@value #ORDINAL}, above every other)
 * answers {@code mp.jwt.verify.publickey} with a key set of the configured key(s)
 * ({@code mp.jwt.verify.publickey} of the lower sources, else the content of
 * {@code mp.jwt.verify.publickey.location}: PEM, JWK or JWKS, a file, class-path resource or URL, read
 * once) plus {@link DevLoginKey}'s public key, and {@code mp.jwt.verify.issuer} with
 * {@value #DEV_ISSUER} when no issuer is configured. With it off this source answers nothing, and the
 * feature reads the operator's settings untouched (a key-set URL is then fetched and refreshed by
 * Liberty itself).
 */
public final class JwtKeysConfigSource implements ConfigSource {
    static final int ORDINAL = 1000;
    static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
    static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String DEV_LOGIN_ENABLED = "parley.auth.dev-login.enabled";
    /** The issuer of development tokens when no real issuer is configured. */
    public static final String DEV_ISSUER = "urn:parley:dev-login";

    /** Set while this source reads the other sources, so that it does not answer itself. */
    private static final ThreadLocal<Boolean> READING = new ThreadLocal<>();
    private volatile String keySet;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PUBLIC_KEY, ISSUER);
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> values = new java.util.HashMap<>();
        for (String name : getPropertyNames()) {
            String value = getValue(name);
            if (value != null) {
                values.put(name, value);
            }
        }
        return values;
    }

    @Override
    public String getValue(String name) {
        if (!PUBLIC_KEY.equals(name) && !ISSUER.equals(name) || READING.get() != null) {
            return null;
        }
        READING.set(Boolean.TRUE);
        try {
            Config config = ConfigProvider.getConfig(JwtKeysConfigSource.class.getClassLoader());
            if (!config.getOptionalValue(DEV_LOGIN_ENABLED, Boolean.class).orElse(false)) {
                return null;
            }
            if (ISSUER.equals(name)) {
                return config.getOptionalValue(ISSUER, String.class).isPresent() ? null : DEV_ISSUER;
            }
            String union = keySet;
            if (union == null) {
                union = union(configuredKeys(config));
                keySet = union;
            }
            return union;
        } finally {
            READING.remove();
        }
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }

    @Override
    public String getName() {
        return "parley-jwt-keys";
    }

    /** The key material the operator configured, or none. */
    private static Optional<String> configuredKeys(Config config) {
        Optional<String> inline = config.getOptionalValue(PUBLIC_KEY, String.class);
        if (inline.isPresent()) {
            return inline;
        }
        return config.getOptionalValue(PUBLIC_KEY_LOCATION, String.class).map(JwtKeysConfigSource::read);
    }

    /** A JSON Web Key Set of {@code configured} (PEM, JWK or JWKS) and the development key. */
    static String union(Optional<String> configured) {
        JsonArrayBuilder keys = Json.createArrayBuilder();
        configured.map(String::trim).filter(text -> !text.isEmpty()).ifPresent(text -> {
            if (text.startsWith("{")) {
                JsonObject json;
                try (JsonReader reader = Json.createReader(new StringReader(text))) {
                    json = reader.readObject();
                }
                if (json.containsKey("keys")) {
                    for (JsonValue key : json.getJsonArray("keys")) {
                        keys.add(withThumbprintKid(key.asJsonObject()));
                    }
                } else {
                    keys.add(withThumbprintKid(json));
                }
            } else {
                keys.add(pemToJwk(text));
            }
        });
        keys.add(DevLoginKey.instance().publicJwk());
        return Json.createObjectBuilder().add("keys", keys).build().toString();
    }

    private static JsonObject pemToJwk(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return withThumbprintKid(Json.createObjectBuilder()
                    .add("kty", "RSA")
                    .add("use", "sig")
                    .add("n", unsigned(key.getModulus()))
                    .add("e", unsigned(key.getPublicExponent()))
                    .build());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(PUBLIC_KEY + " / " + PUBLIC_KEY_LOCATION
                    + " is not an RSA public key in PEM, JWK or JWKS form", e);
        }
    }

    /**
     * {@code jwk} with a {@code kid} when it has none: its RFC 7638 thumbprint. In a key set of several
     * keys Liberty picks the key by the token's {@code kid}, so a configured key without one could never
     * be chosen; tokens of that issuer must then name this thumbprint.
     */
    static JsonObject withThumbprintKid(JsonObject jwk) {
        if (jwk.containsKey("kid") || !"RSA".equals(jwk.getString("kty", null))) {
            return jwk;
        }
        return Json.createObjectBuilder(jwk).add("kid", thumbprint(jwk.getString("e"), jwk.getString("n"))).build();
    }

    /** The RFC 7638 SHA-256 thumbprint of an RSA key, base64url: what tokens of a kid-less configured key name. */
    public static String thumbprint(String e, String n) {
        String canonical = "{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}";
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    /** The content of a key location: an http(s) URL, a file: URL or path, or a class-path resource. */
    private static String read(String location) {
        try {
            if (location.startsWith("http://") || location.startsWith("https://")) {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(location))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(PUBLIC_KEY_LOCATION + " answered " + response.statusCode());
                }
                return response.body();
            }
            Path file = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            try (InputStream in = JwtKeysConfigSource.class.getClassLoader().getResourceAsStream(location)) {
                if (in == null) {
                    throw new IllegalStateException(PUBLIC_KEY_LOCATION + " names nothing readable: " + location);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(PUBLIC_KEY_LOCATION + " cannot be read: " + location, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(PUBLIC_KEY_LOCATION + " cannot be read: " + location, e);
        }
    }
}
