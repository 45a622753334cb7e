package dev.parley.rest.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JwtKeysConfigSourceTest {

    private static List<JsonObject> keys(String keySet) {
        try (var reader = Json.createReader(new StringReader(keySet))) {
            return reader.readObject().getJsonArray("keys").getValuesAs(JsonObject.class);
        }
    }

    @Test
    void withNothingConfiguredTheSetHoldsTheDevelopmentKeyAlone() {
        List<JsonObject> keys = keys(JwtKeysConfigSource.union(Optional.empty()));

        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).getString("kid")).isEqualTo(DevLoginKey.instance().keyId()).startsWith("parley-dev-login-");
        assertThat(keys.get(0).containsKey("d")).as("no private part").isFalse();
    }

    @Test
    void aPemKeyJoinsTheSetNamedByItsThumbprint() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";

        List<JsonObject> keys = keys(JwtKeysConfigSource.union(Optional.of(pem)));

        assertThat(keys).hasSize(2);
        JsonObject configured = keys.get(0);
        assertThat(configured.getString("n")).isEqualTo(JwtKeysConfigSource.unsigned(key.getModulus()));
        assertThat(configured.getString("kid")).isEqualTo(
                JwtKeysConfigSource.thumbprint(configured.getString("e"), configured.getString("n")));
    }

    @Test
    void theRfc7638ExampleThumbprint() {
        // RFC 7638 section 3.1
        String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assertThat(JwtKeysConfigSource.thumbprint("AQAB", n)).isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    @Test
    void aKeySetKeepsItsKidsAndAKeyThatIsNoKeyStopsWithTheSettingsName() {
        String set = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"kc-1\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}";
        assertThat(keys(JwtKeysConfigSource.union(Optional.of(set)))).extracting(k -> k.getString("kid"))
                .containsExactly("kc-1", DevLoginKey.instance().keyId());
        assertThatThrownBy(() -> JwtKeysConfigSource.union(Optional.of("not a key")))
                .hasMessageContaining("mp.jwt.verify.publickey");
    }
}
