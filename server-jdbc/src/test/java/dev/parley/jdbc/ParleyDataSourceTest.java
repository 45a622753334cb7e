package dev.parley.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParleyDataSourceTest {

    @TempDir
    Path tmp;

    @AfterEach
    void stopServersBeforeTheirDirectoriesAreDeleted() {
        EmbeddedDatabase.stopAll();
    }

    private ParleyDataSource embedded(Path dir) {
        ParleyDataSource ds = new ParleyDataSource();
        ds.setEmbedded(true);
        ds.setEmbeddedDataDirectory(dir.toString());
        return ds;
    }

    @Test
    void withoutUrlOrEmbeddedEveryConnectionFailsAndOneSevereLineNamesTheSetting() {
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(ParleyDataSource.class.getName());
        log.addHandler(capture);
        try {
            ParleyDataSource ds = new ParleyDataSource();
            ds.setEmbeddedDataDirectory(tmp.resolve("never").toString());
            assertThat(ds.usesEmbeddedDatabase()).isFalse();

            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                        .hasMessage(ParleyDataSource.NOT_CONFIGURED)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("F0000"));
            }
            assertThat(logged).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
                assertThat(r.getMessage()).isEqualTo("Parley cannot start: set parley.db.url (environment PARLEY_DB_URL)"
                        + " to a PostgreSQL JDBC URL, or parley.db.embedded=true (environment PARLEY_DB_EMBEDDED)"
                        + " for a throwaway embedded database");
                assertThat(r.getThrown()).isNull();
            });
            assertThat(tmp.resolve("never")).doesNotExist();
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void aBadTimeoutValueIsRefusedWhenConfigured() {
        assertThatThrownBy(() -> new ParleyDataSource().setSocketTimeoutMs("-1")).hasMessageContaining("parley.db.socket-timeout-ms");
        assertThatThrownBy(() -> new ParleyDataSource().setConnectTimeoutMs("5s")).hasMessageContaining("parley.db.connect-timeout-ms");
    }

    @Test
    void startsEmbeddedPostgresWhenAskedAndKeepsDataAcrossUses() throws Exception {
        ParleyDataSource ds = embedded(tmp.resolve("pg"));
        assertThat(ds.usesEmbeddedDatabase()).isTrue();

        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists probe(v int)");
            s.execute("insert into probe values (42)");
        }
        // a second data source on the same directory reuses the running server and sees the row
        ParleyDataSource again = embedded(tmp.resolve("pg"));
        try (Connection c = again.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v, current_setting('application_name') from probe")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(rs.getString(2)).isEqualTo("parley");
        }
    }

    @Test
    void theApplicationConnectsAsARoleThatIsNoSuperuserAndOwnsOnlyItsSchema() throws Exception {
        ParleyDataSource ds = embedded(tmp.resolve("pg"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table probe(v int)");
            try (ResultSet rs = s.executeQuery("select current_user, current_database(), current_schema(),"
                    + " r.rolsuper, r.rolcreatedb, r.rolcreaterole, (select tableowner from pg_tables where tablename = 'probe')"
                    + " from pg_roles r where r.rolname = current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("parley");
                assertThat(rs.getString(2)).isEqualTo("parley");
                assertThat(rs.getString(3)).as("tables land in the role's own schema").isEqualTo("parley");
                assertThat(rs.getBoolean(4)).isFalse();
                assertThat(rs.getBoolean(5)).isFalse();
                assertThat(rs.getBoolean(6)).isFalse();
                assertThat(rs.getString(7)).isEqualTo("parley");
            }
            assertThatThrownBy(() -> s.execute("create database other")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            assertThatThrownBy(() -> s.execute("create table public.elsewhere(v int)")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void everyConnectionNeedsTheGeneratedPasswordWhichIsKeptWithTheDataForTheNextStart() throws Exception {
        Path dir = tmp.resolve("pg");
        try (Connection c = embedded(dir).getConnection()) {
            assertThat(c.isValid(2)).isTrue();
        }
        EmbeddedDatabase db = EmbeddedDatabase.at(dir, 0);
        String url = "jdbc:postgresql://localhost:" + db.port() + "/";
        for (String[] userAndDatabase : new String[][] {{"postgres", "postgres"}, {"parley", "parley"}}) {
            assertThatThrownBy(() -> DriverManager.getConnection(url + userAndDatabase[1], userAndDatabase[0], "").close())
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url + userAndDatabase[1], userAndDatabase[0], "wrong").close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        }
        Path file = dir.resolve("parley-credentials.properties");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String stored = Files.readString(file);
        assertThat(stored).contains("user=parley", "password=" + db.password());

        EmbeddedDatabase.stopAll();
        try (Connection c = embedded(dir).getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("parley");
        }
        assertThat(Files.readString(file)).as("a restart reuses the passwords").isEqualTo(stored);
    }

    @Test
    void aDataDirectoryOfAnEarlierParleyIsUpgradedAndKeepsItsData() throws Exception {
        Path dir = tmp.resolve("old");
        // what earlier versions left: trust authentication, the tables in postgres.public, owned by the superuser
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start();
                Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create table flyway_schema_history(installed_rank int primary key, version varchar(50))");
            s.execute("insert into flyway_schema_history values (1, '1')");
            s.execute("create table messages(seq bigint generated always as identity, content text)");
            s.execute("insert into messages(content) values ('kept')");
        }

        try (Connection c = embedded(dir).getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into messages(content) values ('new')");
            try (ResultSet rs = s.executeQuery("select string_agg(content || seq, ',' order by seq),"
                    + " (select count(*) from flyway_schema_history),"
                    + " (select string_agg(distinct tableowner, ',') from pg_tables where schemaname = 'parley')"
                    + " from messages")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("kept1,new2");
                assertThat(rs.getLong(2)).isEqualTo(1);
                assertThat(rs.getString(3)).isEqualTo("parley");
            }
        }
        assertThat(Files.readString(dir.resolve("pg_hba.conf"))).startsWith(EmbeddedSetup.HBA_MARKER)
                .doesNotContain("trust");
        assertThat(dir.resolve("parley-credentials.properties")).exists();
    }

    @Test
    void aServerThatStopsAnsweringFailsTheWaitAfterTheSocketTimeoutAsAConnectionFailure() throws Exception {
        ParleyDataSource ds = embedded(tmp.resolve("pg"));
        ds.setSocketTimeoutMs("1000");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.execute("select pg_sleep(5)")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(900L, 3_000L);
            assertThat(c.isClosed()).as("the connection is given up").isTrue();
        }
    }

    @Test
    void connectsToTheConfiguredUrlWhenOneIsGiven() throws Exception {
        try (Connection c = embedded(tmp.resolve("pg2")).getConnection()) {
            assertThat(c.isValid(2)).isTrue();
        }
        EmbeddedDatabase db = EmbeddedDatabase.at(tmp.resolve("pg2"), 0);
        ParleyDataSource external = new ParleyDataSource();
        external.setEmbedded(true); // a URL wins
        external.setURL("jdbc:postgresql://localhost:" + db.port() + "/parley");
        external.setUser(db.user());
        external.setPassword(db.password());
        assertThat(external.usesEmbeddedDatabase()).isFalse();
        try (Connection c = external.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }
}
