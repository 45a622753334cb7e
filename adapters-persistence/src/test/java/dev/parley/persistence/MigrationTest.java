package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.persona.Persona;
import dev.parley.domain.user.User;
import dev.parley.domain.user.UserId;
import dev.parley.persistence.account.UsersJpaAdapter;
import dev.parley.persistence.persona.PersonasJpaAdapter;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationTest {

    @Test
    void seedsTheDemoUserWithOneHundredTokensAndTwoDistinctPersonas() {
        User demo = PostgresFixture.inTransaction(em -> new UsersJpaAdapter(em).find(new UserId(Rows.DEMO_USER)))
                .orElseThrow();
        assertThat(demo.displayName()).isEqualTo("Demo User");
        assertThat(Rows.queryLong("select token_balance from users where id = ?", Rows.DEMO_USER))
                .as("seeded balance (other tests never charge the demo user)").isEqualTo(100);

        List<Persona> personas = PostgresFixture.inTransaction(em -> new PersonasJpaAdapter(em).all());
        assertThat(personas).extracting(Persona::name).contains("Captain Mira", "Professor Lin");
        assertThat(personas).extracting(Persona::systemPrompt).doesNotHaveDuplicates();
    }

    @Test
    void theDatabaseRefusesANegativeBalance() {
        java.util.UUID user = Rows.newUser(0);
        assertThatThrownBy(() -> Rows.update("update users set token_balance = -1 where id = ?", user))
                .hasMessageContaining("token_balance_check");
    }
}
