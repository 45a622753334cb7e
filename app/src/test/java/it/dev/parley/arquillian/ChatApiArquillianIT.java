package it.dev.parley.arquillian;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.ParleyWar;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Arquillian deploys the WAR the build produced, as {@code parley-arq.war}, into the managed Liberty
 * server, and the test talks to that deployment over HTTP.
 */
@ExtendWith(ArquillianExtension.class)
class ChatApiArquillianIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        // this copy runs with debug fault injection OFF (the build's server turns it on for the main app)
        return ParleyWar.copy("parley-arq.war", "parley.debug.force-error.enabled=false");
    }

    @ArquillianResource
    URL base;

    @Test
    void theDeployedWarListsPersonasAndAnswersAMessage() {
        Api api = new Api(base.toString());
        assertThat(base.getPath()).as("deployed under its own context root").startsWith("/parley-arq");
        assertThat(api.get("/api/personas").array()).hasSize(2);
        String chat = api.newChat(Api.PROFESSOR_LIN);
        Api.Reply reply = api.post("/api/chats/" + chat + "/messages", "{\"content\":\"你好，教授\"}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        assertThat(reply.json().getJsonObject("assistantMessage").getString("content"))
                .startsWith("Professor Lin：").contains("「你好，教授」");
        assertThat(Db.scalar("select count(*) from messages where chat_id = ?", chat)).isEqualTo(2);
    }

    @Test
    void theDebugHeaderIsIgnoredWhenFaultInjectionIsOff() {
        Api api = new Api(base.toString());
        String chat = api.newChat(Api.CAPTAIN_MIRA);

        Api.Reply reply = api.post("/api/chats/" + chat + "/messages", "{\"content\":\"Steady?\"}",
                "X-Debug-Force-Error", "unavailable");

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        assertThat(reply.json().getJsonObject("retryMeta").getInt("attempts")).isEqualTo(1);
    }
}
