package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.persona.Persona;
import dev.parley.persistence.migration.DatabaseMigrator;
import dev.parley.persistence.persona.PersonasJpaAdapter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class MigrationTest {
    private static final String DEMO_USER = "00000000-0000-4000-8000-000000000001";

    @Test
    void seedsTwoDistinctPersonasAndNoUser() {
        List<Persona> personas = PostgresFixture.inTransaction(em -> new PersonasJpaAdapter(em).all());
        assertThat(personas).extracting(Persona::name).contains("Captain Mira", "Professor Lin");
        assertThat(personas).extracting(Persona::systemPrompt).doesNotHaveDuplicates();
        assertThat(Rows.count("select count(*) from users where id = ?", java.util.UUID.fromString(DEMO_USER)))
                .as("the demo user of V2 is removed by V5").isZero();
    }

    @Test
    void theDatabaseRefusesANegativeBalance() {
        java.util.UUID user = Rows.newUser(0);
        assertThatThrownBy(() -> Rows.update("update users set token_balance = -1 where id = ?", user))
                .hasMessageContaining("token_balance_check");
    }

    @Test
    void theDatabaseRefusesASecondUserOfTheSameSubject() {
        java.util.UUID user = Rows.newUser(1);
        assertThatThrownBy(() -> Rows.update("insert into users (id, subject, display_name, locale, token_balance)"
                + " values (gen_random_uuid(), 'test:' || ?, 'Twin', 'en', 1)", user.toString()))
                .hasMessageContaining("users_by_subject");
    }

    /** V5 on a database where the demo user chatted and was charged: all of it goes, everything else stays. */
    @Test
    void v5RemovesTheDemoUserWithEverythingItOwned() throws SQLException {
        DataSource database = freshDatabase("migration_v5");
        Flyway.configure(DatabaseMigrator.class.getClassLoader()).dataSource(database)
                .locations("classpath:db/migration").target("4").load().migrate();
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into chats (id, user_id, persona_id, title, created_at, last_activity_at) values"
                    + " ('10000000-0000-4000-8000-000000000001', '" + DEMO_USER + "',"
                    + " '00000000-0000-4000-8000-00000000a001', 'demo', now(), now())");
            s.execute("insert into messages (id, chat_id, role, content, status, idempotency_key, created_at, updated_at)"
                    + " values ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001',"
                    + " 'USER', 'hi', 'COMPLETED', 'k', now(), now())");
            s.execute("insert into messages (id, chat_id, role, content, status, reply_to, created_at, updated_at)"
                    + " values ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001',"
                    + " 'ASSISTANT', 'hello', 'COMPLETED', '20000000-0000-4000-8000-000000000001', now(), now())");
            s.execute("insert into token_ledger (id, user_id, message_id, delta, balance_after, created_at) values"
                    + " ('30000000-0000-4000-8000-000000000001', '" + DEMO_USER + "',"
                    + " '20000000-0000-4000-8000-000000000002', -1, 99, now())");
        }

        DatabaseMigrator.migrate(database);

        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("users", "chats", "messages", "token_ledger")) {
                try (var rs = s.executeQuery("select count(*) from " + table)) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(table).isZero();
                }
            }
            try (var rs = s.executeQuery("select count(*) from personas")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2);
            }
        }
    }

    private static DataSource freshDatabase(String name) throws SQLException {
        try (Connection c = PostgresFixture.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name);
            s.execute("create database " + name);
            PGSimpleDataSource database = new PGSimpleDataSource();
            database.setUrl(c.getMetaData().getURL().replaceAll("/[^/?]*(\\?|$)", "/" + name + "$1"));
            database.setUser(c.getMetaData().getUserName());
            return database;
        }
    }
}
