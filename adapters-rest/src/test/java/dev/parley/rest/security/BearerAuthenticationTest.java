package dev.parley.rest.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerAuthenticationTest {

    @Test
    void onlyThePersonasAndTheDevelopmentSignInArePublic() {
        assertThat(BearerAuthentication.isPublic("GET", "/personas")).isTrue();
        assertThat(BearerAuthentication.isPublic("GET", "/personas/")).isTrue();
        assertThat(BearerAuthentication.isPublic("POST", "/auth/dev-login")).isTrue();
        assertThat(BearerAuthentication.isPublic("POST", "/personas")).isFalse();
        assertThat(BearerAuthentication.isPublic("GET", "/personas/x")).isFalse();
        assertThat(BearerAuthentication.isPublic("GET", "/me")).isFalse();
        assertThat(BearerAuthentication.isPublic("GET", "/auth/dev-login/../me")).isFalse();
        assertThat(BearerAuthentication.isPublic("GET", "")).isFalse();
    }

    @Test
    void theTicketIsTakenFromTheQueryAsSent() {
        assertThat(BearerAuthentication.ticket("ticket=abc-_1")).isEqualTo("abc-_1");
        assertThat(BearerAuthentication.ticket("x=1&ticket=abc")).isEqualTo("abc");
        assertThat(BearerAuthentication.ticket("xticket=abc")).isNull();
        assertThat(BearerAuthentication.ticket("")).isNull();
        assertThat(BearerAuthentication.ticket(null)).isNull();
    }
}
