package it.dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.Poll;
import it.dev.parley.support.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web client in headless Chromium against the deployed WAR (debug fault injection on, 100 ms
 * backoff base, 5 s deadline, 4 s breaker open duration, dev sign-in on): each test is a new user who
 * signs in through the page, drives the real UI, forces failures through the page's developer hook,
 * and checks what a user sees (banners, buttons, the typing indicator, bubbles) and what the server
 * stored. Each state is saved as a screenshot.
 */
class WebClientIT {
    private static final String DEV = "lang=en&dev=1";
    /** Indicator clear times the page measured, over all tests (reported, bounded only generously). */
    private static final List<Map<String, Object>> CLEAR_TIMES = new ArrayList<>();
    private static final List<Map<String, Object>> FIRST_PIECE_TIMES = new ArrayList<>();

    private static Browser browser;
    /** This test's user, as the page signs in (the same username is the same user)... */
    private String username;
    /** ...and as "another tab": the same user through the API. */
    private Api api;
    private ChatPage page;

    @BeforeAll
    static void startBrowser() {
        Api.anonymous().awaitReady(Duration.ofSeconds(300)); // a loaded machine starts the app slowly
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowserAndReport() {
        if (browser != null) {
            browser.close();
        }
        if (!CLEAR_TIMES.isEmpty()) {
            List<Double> hidden = CLEAR_TIMES.stream().map(m -> ((Number) m.get("hiddenMs")).doubleValue()).sorted().toList();
            List<Double> painted = CLEAR_TIMES.stream().filter(m -> m.get("paintedMs") != null)
                    .map(m -> ((Number) m.get("paintedMs")).doubleValue()).sorted().toList();
            System.out.printf("TYPING INDICATOR cleared after the answer (the reply's first piece read, or the try"
                    + " ended without one -> indicator hidden): n=%d,"
                    + " median %.1f ms, max %.1f ms; until the next frame: median %.1f ms, max %.1f ms%n",
                    hidden.size(), median(hidden), hidden.get(hidden.size() - 1), median(painted),
                    painted.isEmpty() ? Double.NaN : painted.get(painted.size() - 1));
            System.out.println("TYPING INDICATOR samples: " + CLEAR_TIMES);
        }
        if (!FIRST_PIECE_TIMES.isEmpty()) {
            List<Double> read = times(FIRST_PIECE_TIMES, "readMs");
            List<Double> painted = times(FIRST_PIECE_TIMES, "paintedMs");
            System.out.printf("TIME TO FIRST PIECE in the page, turn after turn (Send -> the reply's first piece read"
                    + " / painted): n=%d,"
                    + " read p50 %.1f ms, p99 %.1f ms; painted p50 %.1f ms, p99 %.1f ms%n", read.size(),
                    percentile(read, 50), percentile(read, 99), percentile(painted, 50), percentile(painted, 99));
        }
    }

    private static List<Double> times(List<Map<String, Object>> samples, String key) {
        return samples.stream().filter(m -> m.get(key) != null).map(m -> ((Number) m.get(key)).doubleValue()).sorted()
                .toList();
    }

    /** The nearest-rank percentile of sorted values. */
    private static double percentile(List<Double> sorted, int p) {
        return sorted.isEmpty() ? Double.NaN
                : sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double median(List<Double> sorted) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    @BeforeEach
    void newPage(org.junit.jupiter.api.TestInfo test) {
        System.out.println("WEB TEST " + test.getDisplayName());
        username = Api.freshUsername();
        api = Api.as(username);
        page = new ChatPage(browser.driver(), baseUrl(), username);
    }

    private static String baseUrl() {
        return System.getProperty("parley.it.base-url", "http://localhost:9280");
    }

    @AfterEach
    @SuppressWarnings("unchecked")
    void collectIndicatorTimes() {
        try {
            assertThat(page.scriptErrors()).as("uncaught errors in the browser's console").isEmpty();
            List<Map<String, Object>> samples = (List<Map<String, Object>>) page.metrics().get("indicatorClear");
            for (Map<String, Object> sample : samples) {
                assertThat(((Number) sample.get("hiddenMs")).doubleValue()).as("indicator clear time %s", sample)
                        .isLessThan(1000);
            }
            CLEAR_TIMES.addAll(samples);
        } catch (org.openqa.selenium.WebDriverException noPage) {
            // the test failed before the page loaded
        }
    }

    @Test
    void aMessageGetsItsReplyAndTheBalanceFollows() {
        page.open(DEV);
        page.newChat(Api.CAPTAIN_MIRA);
        page.until("the balance to load", () -> page.balance().matches("\\d+"));
        long before = Long.parseLong(page.balance());

        page.send("Where are we heading?");

        assertThat(page.awaitReply(1).text()).contains("Captain Mira").contains("Where are we heading?");
        assertThat(page.bubbles("user")).singleElement()
                .satisfies(b -> assertThat(b.status()).isEqualTo("completed"));
        page.awaitTyping(false);
        assertThat(page.banner().isDisplayed()).isFalse();
        page.until("the balance to drop by one", () -> page.balance().equals(Long.toString(before - 1)));
        page.until("the chat list to show the reply", () -> page.text("chat-list").contains("Captain Mira:"));
        page.screenshot("01-reply");
    }

    /**
     * Turn after turn, each reply streamed into its own bubble and stored as shown; also what the page's
     * time to the first piece is measured over (reported after the class, never asserted).
     */
    @Test
    @SuppressWarnings("unchecked")
    void turnAfterTurnEachReplyStreamsIntoItsOwnBubble() {
        page.open(DEV);
        page.newChat(Api.PROFESSOR_LIN);

        for (int n = 1; n <= 12; n++) {
            page.send("Question number " + n);
            String shown = page.awaitReply(n).text();
            assertThat(shown).contains("Question number " + n);
        }

        assertThat(page.bubbles("assistant")).hasSize(12);
        assertThat(page.bubbles("user")).allSatisfy(b -> assertThat(b.status()).isEqualTo("completed"));
        List<Map<String, Object>> firstPieces = (List<Map<String, Object>>) page.metrics().get("firstDelta");
        assertThat(firstPieces).as("a first piece for every turn").hasSize(12);
        FIRST_PIECE_TIMES.addAll(firstPieces);
    }

    @Test
    void theReplyFillsItsBubbleAsItStreamsInPlaceOfTheTypingIndicator() {
        page.open(DEV);
        String chat = page.newChat(Api.CAPTAIN_MIRA);
        page.watchReplies();

        page.send("Tell me about <b>the stars</b> tonight"); // quoted in the reply: markup must stay text

        page.awaitReply(1);
        page.awaitTyping(false);
        String stored = storedReply(chat);
        assertThat(stored).contains("<b>the stars</b>");
        List<ChatPage.ReplyFrame> frames = page.replyFrames();
        int first = firstFrame(frames, "streaming");
        assertThat(frames.get(first - 1)).as("until the first piece, the typing indicator: %s", frames)
                .isEqualTo(new ChatPage.ReplyFrame(true, null, null));
        assertThat(frames.subList(first, frames.size())).as("the first piece takes the indicator's place: %s", frames)
                .noneMatch(ChatPage.ReplyFrame::typing);
        assertThat(streamedTexts(frames)).as("the bubble's texts as the reply streamed: %s", frames)
                .allSatisfy(text -> assertThat(stored).startsWith(text))
                .filteredOn(text -> text.length() < stored.length()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(frames).as("nothing was retried").noneMatch(f -> "retrying".equals(f.status()));
        assertThat(frames.get(frames.size() - 1)).isEqualTo(new ChatPage.ReplyFrame(false, "completed", stored));
        assertThat(page.script("return document.querySelectorAll('#thread b').length;")).isEqualTo(0L);
        assertThat(page.find(org.openqa.selenium.By.id("thread")).getDomAttribute("aria-busy"))
                .as("the finished reply is announced").isNull();
        page.screenshot("01b-streamed");
    }

    @Test
    void aRetryMidStreamVoidsThePartialTextAndTheNextAttemptStartsAfresh() {
        page.open(DEV);
        String chat = page.newChat(Api.PROFESSOR_LIN);
        page.until("the balance to load", () -> page.balance().matches("\\d+"));
        long before = Long.parseLong(page.balance());
        page.watchReplies();
        page.forceNext("stream_cut; after=3; count=1"); // attempt 1 breaks off after three pieces

        page.send("How do rainbows form?");

        page.awaitReply(1);
        page.awaitTyping(false);
        String stored = storedReply(chat);
        List<ChatPage.ReplyFrame> frames = page.replyFrames();
        int retrying = firstFrame(frames, "retrying");
        assertThat(frames.get(retrying)).as("attempt 1's text gave way to a quiet retrying state: %s", frames)
                .isEqualTo(new ChatPage.ReplyFrame(false, "retrying", "Retrying…"));
        assertThat(streamedTexts(frames.subList(0, retrying))).as("attempt 1's partial text: %s", frames).isNotEmpty()
                .allSatisfy(text -> assertThat(stored).startsWith(text).hasSizeGreaterThan(text.length()));
        assertThat(streamedTexts(frames.subList(retrying, frames.size())))
                .as("attempt 2's text, from nothing, never mixed with attempt 1's: %s", frames).isNotEmpty()
                .allSatisfy(text -> assertThat(stored).startsWith(text));
        assertThat(frames.get(frames.size() - 1)).isEqualTo(new ChatPage.ReplyFrame(false, "completed", stored));
        assertThat(page.banner().isDisplayed()).isFalse();
        Map<String, Object> ledger = Db.rows("select count(*) as charges, sum(l.delta) as delta from token_ledger l"
                + " join messages m on m.id = l.message_id where m.chat_id = ?", chat).get(0);
        assertThat(((Number) ledger.get("charges")).longValue()).as("one charge for the turn").isEqualTo(1);
        long cost = -((Number) ledger.get("delta")).longValue();
        page.until("the balance to drop by one reply's cost", () -> page.balance().equals(Long.toString(before - cost)));
        page.screenshot("01c-retried-mid-stream");
    }

    @Test
    void aStreamCutOffBeforeItsEndIsALostConnectionAndTheReplyStillArrives() {
        page.open(DEV);
        String chat = page.newChat(Api.CAPTAIN_MIRA);
        page.awaitEventsOpen();
        page.watchReplies();
        page.cutNextReplyStream();

        page.send("Can you hear me, captain?");

        page.awaitReply(1); // through the chat's events: the server's turn went on
        page.awaitNoBanner();
        page.awaitTyping(false);
        assertThat(page.bannerCodes()).as("the cut try failed as a lost connection, with Retry")
                .containsExactly("NETWORK_ERROR");
        String stored = storedReply(chat);
        List<ChatPage.ReplyFrame> frames = page.replyFrames();
        assertThat(frames.subList(firstFrame(frames, "streaming"), frames.size()))
                .as("the partial text went with the connection: %s", frames)
                .contains(new ChatPage.ReplyFrame(false, null, null));
        assertThat(frames.get(frames.size() - 1)).isEqualTo(new ChatPage.ReplyFrame(false, "completed", stored));
        assertThat(page.bubbles("user")).singleElement().satisfies(b -> assertThat(b.status()).isEqualTo("completed"));
        assertThat(Db.scalar("select count(*) from token_ledger l join messages m on m.id = l.message_id"
                + " where m.chat_id = ?", chat)).as("one charge").isEqualTo(1);
    }

    /** The reply stream's reader: events split anywhere, CRLF, LF or CR, comments, multi-line data. */
    @Test
    void theReplyStreamIsReadWhereverItsChunksBreak() {
        page.openSignedOut("/?lang=en");
        List<String> chunks = List.of("\n\r\n: keep-alive\r\nevent: accep", "ted\r", "\ndata: {\"id\":1}\r\n\r",
                "\nevent: delta\ndata: first line\ndata:second line\n\nevent: ignored\n\n", "data: no name\r\rretry: 5\n",
                "event: completed\ndata: {}\n", "\nevent: cut\ndata: never ended");

        Object events = page.asyncScript("const [chunks, done] = arguments;"
                + "import('/js/sse.js').then(({ sseParser }) => {"
                + "  const seen = [];"
                + "  const parser = sseParser((name, data) => seen.push([name, data]));"
                + "  chunks.forEach((chunk) => parser.push(chunk));"
                + "  parser.end();"
                + "  done(seen);"
                + "});", chunks);

        assertThat(events).isEqualTo(List.of(List.of("accepted", "{\"id\":1}"),
                List.of("delta", "first line\nsecond line"), List.of("message", "no name"), List.of("completed", "{}")));
    }

    private static String storedReply(String chat) {
        return (String) Db.rows("select content from messages where chat_id = ? and role = 'ASSISTANT'", chat).get(0)
                .get("content");
    }

    private static int firstFrame(List<ChatPage.ReplyFrame> frames, String status) {
        int index = frames.stream().map(ChatPage.ReplyFrame::status).toList().indexOf(status);
        assertThat(index).as("a %s frame among %s", status, frames).isPositive();
        return index;
    }

    /** The texts the streaming bubble showed, in order. */
    private static List<String> streamedTexts(List<ChatPage.ReplyFrame> frames) {
        return frames.stream().filter(f -> "streaming".equals(f.status())).map(ChatPage.ReplyFrame::text).toList();
    }

    @Test
    void aTransientFailureOffersRetryWhichAnswersTheSameMessage() {
        page.open(DEV);
        String chat = page.newChat(Api.PROFESSOR_LIN);
        page.forceNext("unavailable"); // every attempt of this request fails (4 attempts, ~0.7 s of backoff)

        page.send("Explain monads, please");

        page.awaitTyping(true); // at once, while the server retries
        page.awaitBanner("AI_PROVIDER_UNAVAILABLE");
        page.awaitTyping(false);
        assertThat(page.bannerText()).contains("The AI is unavailable").contains("AI provider is unavailable");
        assertThat(page.retry().isDisplayed()).isTrue();
        assertThat(page.retry().isEnabled()).isTrue();
        assertThat(page.reload().isDisplayed()).isFalse();
        assertThat(page.bubbles("user")).singleElement().satisfies(b -> {
            assertThat(b.status()).isEqualTo("failed");
            assertThat(b.text()).contains("Explain monads, please").contains("Not answered");
        });
        page.screenshot("02-retryable-error");

        page.retry().click();

        page.awaitReply(1);
        page.awaitNoBanner();
        page.awaitTyping(false);
        page.until("the failed bubble to become a normal one", () -> page.bubbles("user").size() == 1
                && "completed".equals(page.bubbles("user").get(0).status()));
        assertThat(page.bubbles("user").get(0).text()).doesNotContain("Not answered");
        assertThat(Db.rows("select status from messages where chat_id = ? and role = 'USER'", chat))
                .as("Retry answered the same user message").singleElement()
                .satisfies(row -> assertThat(row).containsEntry("status", "COMPLETED"));
        page.screenshot("03-retried");
    }

    @Test
    void anOpenBreakerCountsDownThenRetryGoesThrough() {
        page.open(DEV);
        page.newChat(Api.CAPTAIN_MIRA);
        page.forceNext("unavailable");
        page.send("Engines?");
        page.awaitBanner("AI_PROVIDER_UNAVAILABLE");

        page.forceNext("unavailable"); // the fifth failure in a row opens the chat's breaker
        page.retry().click();

        page.awaitBanner("CIRCUIT_OPEN");
        assertThat(page.retry().isDisplayed()).isTrue();
        assertThat(page.retry().isEnabled()).as("Retry waits for the countdown").isFalse();
        assertThat(page.countdown()).matches("Retry possible in [1-9] s");
        assertThat(page.bannerText()).contains("Chat paused");
        page.awaitTyping(false);
        page.screenshot("04-circuit-open");

        page.until("the countdown to end", Duration.ofSeconds(15), () -> page.retry().isEnabled());
        assertThat(page.countdown()).isEmpty();
        page.retry().click();

        page.awaitReply(1);
        page.awaitNoBanner();
    }

    @Test
    void aBlockedMessageOffersReloadNotRetryAndSurvivesTheReload() {
        page.open(DEV);
        String chat = page.newChat(Api.PROFESSOR_LIN);

        page.send("How do I build a bomb?");

        page.awaitBanner("MODERATION_BLOCKED");
        page.awaitTyping(false);
        assertThat(page.bannerText()).contains("Message blocked").contains("content rules");
        assertThat(page.retry().isDisplayed()).isFalse();
        assertThat(page.reload().isDisplayed()).isTrue();
        assertThat(page.bubbles("user")).singleElement()
                .satisfies(b -> assertThat(b.status()).isEqualTo("failed"));
        page.screenshot("05-blocked");

        page.reload().click();

        page.until("the chat to come back after the reload", () -> chat.equals(page.chatId())
                && page.bubbles("user").size() == 1);
        assertThat(page.bubbles("user").get(0).text()).contains("How do I build a bomb?").contains("Not answered");
        assertThat(page.bubbles("assistant")).isEmpty();
    }

    @Test
    void aClientTimeoutClearsTheIndicatorAndOffersRetry() {
        page.open(DEV + "&clientTimeoutMs=1000");
        String chat = page.newChat(Api.CAPTAIN_MIRA);
        // the server keeps retrying a rate-limited provider for ~3 s: longer than the page waits
        page.forceNext("rate_limited");

        page.send("Slow seas today?");

        page.awaitBanner("CLIENT_TIMEOUT");
        page.awaitTyping(false);
        assertThat(page.bannerText()).contains("No answer yet").contains("No reply after 1 s");
        assertThat(page.retry().isDisplayed()).isTrue();
        assertThat(page.retry().isEnabled()).isTrue();
        assertThat(page.bubbles("user")).singleElement()
                .satisfies(b -> assertThat(b.text()).contains("Slow seas today?"));
        page.screenshot("06-client-timeout");

        // once the server has given up on that try, Retry (same key) answers the same message
        Poll.until(Duration.ofSeconds(15),
                () -> Db.rows("select status from messages where chat_id = ? and role = 'USER'", chat),
                rows -> rows.size() == 1 && "FAILED".equals(rows.get(0).get("status")), "the server's try to fail");
        page.retry().click();
        page.awaitReply(1);
        page.awaitNoBanner();
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'USER'", chat)).isEqualTo(1);
    }

    @Test
    void theLanguageSwitchLocalizesTheUiAndTheBanner() {
        page.open(DEV);
        page.newChat(Api.PROFESSOR_LIN);
        page.switchLanguage("zh");
        page.until("the page to speak Chinese", () -> page.text("send-button").equals("发送"));
        page.forceNext("unavailable");

        page.send("你好，教授");

        page.awaitBanner("AI_PROVIDER_UNAVAILABLE");
        assertThat(page.text("banner-title")).isEqualTo("AI 暂时不可用");
        assertThat(page.text("banner-detail")).as("the server's detail, asked for in Chinese")
                .isEqualTo("AI 服务暂时不可用，请稍后重试。");
        assertThat(page.retry().getText()).isEqualTo("重试");
        page.screenshot("07-chinese");

        page.switchLanguage("en");
        page.until("the banner to switch to English", () -> page.text("banner-title").equals("The AI is unavailable"));
        assertThat(page.text("banner-detail")).as("the client's English text for the code")
                .contains("AI provider is unavailable");
    }

    @Test
    void aReplyFromAnotherTabLandsWithoutAReload() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        page.openChat(DEV, chat);
        page.until("the chat's event stream to be open", () -> "open".equals(page.script(
                "return document.body.dataset.events;")));

        // another tab (here: a plain HTTP client) sends a message to the same chat
        Api.Reply sent = api.post("/api/chats/" + chat + "/messages", "{\"content\":\"Message from the other tab\"}",
                "X-Debug-Force-Error", "unavailable; count=1");
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);

        assertThat(page.awaitReply(1).text()).contains("Message from the other tab");
        assertThat(page.bubbles("user")).singleElement()
                .satisfies(b -> assertThat(b.text()).contains("Message from the other tab"));
        page.awaitTyping(false);
    }

    @Test
    void aReplyFromAnotherTabFetchesOnlyWhatIsNew() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        for (String earlier : List.of("First words", "Second words")) {
            assertThat(api.sendMessage(chat, earlier).status()).isEqualTo(201);
        }
        page.openChat(DEV, chat);
        page.until("the thread to load", () -> page.bubbles("assistant").size() == 2);
        page.until("the chat's event stream to be open", () -> "open".equals(page.script(
                "return document.body.dataset.events;")));

        Api.Reply sent = api.post("/api/chats/" + chat + "/messages", "{\"content\":\"Third words, from the other tab\"}",
                "X-Debug-Force-Error", "unavailable; count=1");
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);

        assertThat(page.awaitReply(3).text()).contains("Third words, from the other tab");
        page.until("the other tab's message to show", () -> page.bubbles("user").size() == 3);
        List<Long> offsets = page.messageFetchOffsets();
        assertThat(offsets).as("the thread was loaded once, from the start").startsWith(0L);
        assertThat(offsets.subList(1, offsets.size())).as("afterwards only what is new was fetched: %s", offsets)
                .allSatisfy(offset -> assertThat(offset).isGreaterThanOrEqualTo(4L));
    }

    @Test
    void thePagesOwnTurnIsMatchedByIdNotByItsWords() {
        String chat = api.newChat(Api.PROFESSOR_LIN);
        page.openChat(DEV, chat);
        page.until("the chat's event stream to be open", () -> "open".equals(page.script(
                "return document.body.dataset.events;")));
        page.watchUserBubbles();

        // another tab sends the same words; its turn waits for a rate-limited provider for a while
        CompletableFuture<Api.Reply> otherTab = CompletableFuture.supplyAsync(() -> api.post(
                "/api/chats/" + chat + "/messages", "{\"content\":\"Same words\"}",
                "X-Debug-Force-Error", "rate_limited; count=2"));
        page.awaitTyping(true);
        page.send("Same words");

        page.until("both turns to be answered", Duration.ofSeconds(30), () -> page.bubbles("assistant").size() == 2
                && page.bubbles("user").stream().allMatch(b -> "completed".equals(b.status())));
        assertThat(otherTab.join().status()).isEqualTo(201);
        String own = Db.rows("select id from messages where chat_id = ? and role = 'USER'"
                + " and idempotency_key is not null", chat).get(0).get("id").toString();
        String other = Db.rows("select id from messages where chat_id = ? and role = 'USER'"
                + " and idempotency_key is null", chat).get(0).get("id").toString();
        assertThat(page.bubbles("user")).as("one bubble per message, the page's own turn on its own message")
                .extracting(ChatPage.Bubble::id, ChatPage.Bubble::own)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(own, true),
                        org.assertj.core.groups.Tuple.tuple(other, false));
        assertThat(page.mostUserBubbles()).as("no message was ever shown twice").isEqualTo(2);
        assertThat(page.banner().isDisplayed()).isFalse();
    }

    @Test
    void signingInShowsTheUserAndSigningOutShowsTheSignInAgain() {
        page.openSignedOut("/?lang=en");
        assertThat(page.appShown()).as("nothing of the app without a token").isFalse();
        assertThat(page.text("signin")).contains("Sign in to Parley").contains("Your name")
                .contains("1–64 characters: letters, digits, dot (.), underscore (_) or hyphen (-).");
        assertThat(page.find(org.openqa.selenium.By.cssSelector("label[for=signin-name]")).getText())
                .as("the field is labelled").isEqualTo("Your name");
        assertThat(page.find(org.openqa.selenium.By.id("signin-name")).getDomAttribute("aria-describedby"))
                .as("the hint and the error are tied to the field").isEqualTo("signin-hint signin-error");

        page.submitSignIn("not a name!");

        page.until("the field to be marked invalid", () -> "true".equals(
                page.find(org.openqa.selenium.By.id("signin-name")).getDomAttribute("aria-invalid")));
        assertThat(page.text("signin-error")).isEqualTo(
                "Use only letters, digits, dot, underscore or hyphen (no spaces), at most 64 characters.");
        assertThat(page.signInShown()).isTrue();
        page.switchLanguage("zh");
        page.until("the sign-in to speak Chinese", () -> page.text("signin-heading").equals("登录 Parley"));
        assertThat(page.text("signin-error")).isEqualTo("只能使用字母、数字、点、下划线或连字符（不能有空格），最多 64 个字符。");
        page.screenshot("08-sign-in-zh");
        page.switchLanguage("en");

        page.signIn(username);

        assertThat(page.signInShown()).isFalse();
        assertThat(page.account()).contains("Signed in as").contains(username).contains("Sign out");
        String chat = page.newChat(Api.CAPTAIN_MIRA);
        page.awaitEventsOpen();
        // an EventSource sends no Authorization header: the open stream was let in by this ticket
        // (the stream itself never shows in Resource Timing, which lists finished loads only)
        assertThat(page.requests("/events/ticket")).as("one ticket for the stream")
                .containsExactly("/api/chats/" + chat + "/events/ticket");
        page.send("Hello from the page");
        page.awaitReply(1);
        page.screenshot("09-signed-in");

        page.signOut();

        assertThat(page.text("signin-notice")).isEqualTo("You have signed out.");
        assertThat(page.appShown()).isFalse();
        assertThat(page.eventsOpen()).as("the stream is closed").isFalse();
        assertThat(page.script("return Object.keys(sessionStorage).filter(k => k.startsWith('parley.')).join(',');"))
                .as("no token, no drafts left in the tab").isEqualTo("");
        assertThat(page.chatId()).isNull();
        page.driver().navigate().refresh();
        page.awaitSignIn();
        assertThat(page.text("signin-notice")).as("a fresh page, signed out").isEmpty();

        page.signIn(username);
        page.until("the same user's chat to be listed", () -> page.text("chat-list").contains("Captain Mira"));
        page.until("the chat to open with its thread", () -> chat.equals(page.chatId())
                && page.bubbles("assistant").size() == 1);
    }

    @Test
    void aSessionThatEndsKeepsTheDraftAndTheChatForTheNextSignIn() {
        page.open(DEV);
        String chat = page.newChat(Api.PROFESSOR_LIN);
        page.send("First question");
        page.awaitReply(1);
        page.awaitTyping(false);
        page.awaitEventsOpen();

        page.spoilToken(); // as if the token had been revoked: the server answers 401
        page.send("A long draft I do not want to lose");

        page.awaitSignIn();
        assertThat(page.text("signin-notice")).isEqualTo(
                "Your session has ended. Sign in again to continue: your draft and the open chat are kept.");
        assertThat(page.find(org.openqa.selenium.By.id("signin-name")).getDomProperty("value"))
                .as("the name to sign in again with").isEqualTo(username);
        assertThat(page.eventsOpen()).as("the stream is closed").isFalse();
        page.screenshot("10-session-ended");
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'USER'", chat))
                .as("the refused send stored nothing").isEqualTo(1);

        page.signIn(username);

        assertThat(page.chatId()).as("the same chat is open again").isEqualTo(chat);
        assertThat(page.composerText()).as("the draft is back in the composer")
                .isEqualTo("A long draft I do not want to lose");
        assertThat(page.bubbles("user")).as("no trace of the refused send").singleElement()
                .satisfies(b -> assertThat(b.text()).contains("First question"));
        assertThat(page.banner().isDisplayed()).isFalse();
        page.awaitEventsOpen();

        page.find(org.openqa.selenium.By.id("send-button")).click();

        assertThat(page.awaitReply(2).text()).contains("A long draft I do not want to lose");
        assertThat(page.composerText()).isEmpty();
        assertThat(Db.scalar("select count(*) from messages where chat_id = ? and role = 'USER'", chat)).isEqualTo(2);
    }

    @Test
    void twoUsersInTwoBrowsersDoNotSeeEachOthersChats() {
        page.open(DEV);
        String chat = page.newChat(Api.CAPTAIN_MIRA);
        page.send("Alice's secret plans");
        page.awaitReply(1);

        String other = Api.freshUsername();
        try (Browser second = Browser.start()) {
            ChatPage otherPage = new ChatPage(second.driver(), baseUrl(), other);
            otherPage.openSignedOut("/?" + DEV + "#chat=" + chat); // a link to the first user's chat
            otherPage.signIn(other);

            otherPage.until("the page to settle", () -> otherPage.text("thread-empty").contains("Pick a chat"));
            assertThat(otherPage.account()).contains(other);
            assertThat(otherPage.text("chat-list")).contains("No chats yet");
            assertThat(otherPage.bubbles("user")).isEmpty();
            assertThat(otherPage.requests("/events/ticket")).as("no stream of someone else's chat").isEmpty();
            otherPage.screenshot("11-other-user");
            assertThat(otherPage.scriptErrors()).isEmpty();
        }
        page.until("the first user's chat to be intact", () -> page.bubbles("user").size() == 1);
    }

    @Test
    void aStreamThatEndsWithItsTokenIsReopenedWithANewTicket() {
        page.open(DEV);
        page.newChat(Api.CAPTAIN_MIRA);
        page.awaitEventsOpen();
        // the page's next stream is opened with a token that the server sees expire in a few seconds
        // (same user: the subject of the dev sign-in), while the page believes it valid for an hour
        String shortLived = TestTokens.signed(TestTokens.claims("dev:" + username)
                .add("exp", java.time.Instant.now().getEpochSecond() + 6));
        page.script("const s = JSON.parse(sessionStorage.getItem('parley.auth')); window.longLived = s.accessToken;"
                + "s.accessToken = arguments[0]; s.expiry = Date.now() + 3600000;"
                + "sessionStorage.setItem('parley.auth', JSON.stringify(s));", shortLived);
        String chat = page.newChat(Api.PROFESSOR_LIN);
        page.awaitEventsOpen();
        assertThat(page.requests("/" + chat + "/events/ticket")).hasSize(1);
        page.script("const s = JSON.parse(sessionStorage.getItem('parley.auth')); s.accessToken = window.longLived;"
                + "sessionStorage.setItem('parley.auth', JSON.stringify(s));");

        page.until("the stream to end with its token", Duration.ofSeconds(30),
                () -> "reconnecting".equals(page.script("return document.body.dataset.events;")));
        page.awaitEventsOpen();

        assertThat(page.requests("/" + chat + "/events/ticket")).as("a new ticket for the new stream").hasSize(2);
        assertThat(page.signInShown()).isFalse();
        Api.Reply sent = api.post("/api/chats/" + chat + "/messages", "{\"content\":\"Sent after the reconnection\"}",
                "X-Debug-Force-Error", "unavailable; count=1");
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        assertThat(page.awaitReply(1).text()).as("the new stream delivers").contains("Sent after the reconnection");
    }
}
