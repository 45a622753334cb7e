package dev.parley.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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

    @Test
    void startsEmbeddedPostgresWhenNoUrlIsConfiguredAndKeepsDataAcrossUses() throws Exception {
        ParleyDataSource ds = new ParleyDataSource();
        ds.setEmbeddedDataDirectory(tmp.resolve("pg").toString());
        assertThat(ds.isEmbedded()).isTrue();

        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists probe(v int)");
            s.execute("insert into probe values (42)");
        }
        // a second data source on the same directory reuses the running server and sees the row
        ParleyDataSource again = new ParleyDataSource();
        again.setEmbeddedDataDirectory(tmp.resolve("pg").toString());
        try (Connection c = again.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v, current_setting('application_name') from probe")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(rs.getString(2)).isEqualTo("parley");
        }
    }

    @Test
    void connectsToTheConfiguredUrlWhenOneIsGiven() throws Exception {
        ParleyDataSource embedded = new ParleyDataSource();
        embedded.setEmbeddedDataDirectory(tmp.resolve("pg2").toString());
        try (Connection c = embedded.getConnection()) {
            assertThat(c.isValid(2)).isTrue();
        }
        int port = EmbeddedDatabase.at(tmp.resolve("pg2"), 0).port();
        ParleyDataSource external = new ParleyDataSource();
        external.setURL("jdbc:postgresql://localhost:" + port + "/postgres");
        external.setUser("postgres");
        assertThat(external.isEmbedded()).isFalse();
        try (Connection c = external.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }
}
