package it.dev.parley.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web client as a user sees it: what is on the page and what can be clicked. Waits poll with a
 * deadline. A page is one user's: {@link #open} and {@link #openChat} sign in as that user through the
 * sign-in form, as a person would.
 */
final class ChatPage {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ChromeDriver driver;
    private final String base;
    private final String username;

    ChatPage(ChromeDriver driver, String base, String username) {
        this.driver = driver;
        this.base = base;
        this.username = username;
    }

    /** Opens the client with a fresh storage (no token, no remembered language) and the query, e.g. {@code dev=1}, and signs in. */
    ChatPage open(String query) {
        openSignedOut("/?" + query);
        return signIn(username);
    }

    /** Opens the client with a fresh storage and waits for the sign-in it shows. */
    ChatPage openSignedOut(String path) {
        driver.get(base + "/");
        script("localStorage.clear(); sessionStorage.clear();");
        driver.get(base + path);
        awaitSignIn();
        return this;
    }

    /** Waits until the page shows the sign-in (and nothing of the app). */
    void awaitSignIn() {
        until("the sign-in to show", () -> "signin".equals(body().getDomAttribute("data-view"))
                && "true".equals(body().getDomAttribute("data-ready")) && find(By.id("signin-name")).isDisplayed());
    }

    /** Types the name into the sign-in form, presses Enter and waits for the app. */
    ChatPage signIn(String name) {
        submitSignIn(name);
        until("the app to show after signing in as " + name, () -> "app".equals(body().getDomAttribute("data-view"))
                && "true".equals(body().getDomAttribute("data-ready")));
        return this;
    }

    /** Types the name into the sign-in form and presses Enter (the sign-in may refuse it). */
    void submitSignIn(String name) {
        WebElement field = find(By.id("signin-name"));
        field.clear();
        field.sendKeys(name, Keys.ENTER);
    }

    void signOut() {
        find(By.id("signout-button")).click();
        awaitSignIn();
    }

    boolean signInShown() {
        return find(By.id("signin")).isDisplayed();
    }

    boolean appShown() {
        return find(By.id("app")).isDisplayed();
    }

    /** The account shown at the top: "Signed in as <name>" (empty while signed out). */
    String account() {
        return find(By.id("account")).getText();
    }

    /** Makes the kept token one the server does not accept (as if it had been revoked). */
    void spoilToken() {
        script("const s = JSON.parse(sessionStorage.getItem('parley.auth'));"
                + "s.accessToken = s.accessToken.slice(0, -4) + 'AAAA';"
                + "sessionStorage.setItem('parley.auth', JSON.stringify(s));");
    }

    String composerText() {
        return find(By.id("composer-input")).getDomProperty("value");
    }

    /** Waits until the open chat's event stream is registered on the server. */
    void awaitEventsOpen() {
        until("the chat's event stream to be open", () -> "open".equals(body().getDomAttribute("data-events")));
    }

    boolean eventsOpen() {
        return "open".equals(body().getDomAttribute("data-events"));
    }

    /** The paths (with query) of the page's requests whose path ends with the suffix, in order (Resource Timing). */
    @SuppressWarnings("unchecked")
    List<String> requests(String pathSuffix) {
        return (List<String>) script("return performance.getEntriesByType('resource').map(e => new URL(e.name))"
                + ".filter(u => u.pathname.endsWith(arguments[0])).map(u => u.pathname + u.search);", pathSuffix);
    }

    ChromeDriver driver() {
        return driver;
    }

    private WebElement body() {
        return find(By.tagName("body"));
    }

    /** Starts a chat with the persona through the form and returns its id once it is open. */
    String newChat(String personaId) {
        String before = chatId();
        new Select(find(By.id("persona-select"))).selectByValue(personaId);
        find(By.id("new-chat-button")).click();
        until("the new chat to open", () -> chatId() != null && !chatId().equals(before)
                && find(By.id("thread-empty")).isDisplayed());
        return chatId();
    }

    /** Opens an existing chat by its id (as a reload with {@code #chat=} would), signing in first. */
    ChatPage openChat(String query, String chatId) {
        openSignedOut("/?" + query + "#chat=" + chatId);
        signIn(username);
        until("the chat to open", () -> chatId.equals(chatId()));
        return this;
    }

    String chatId() {
        String hash = (String) script("return location.hash;");
        if (hash == null || !hash.startsWith("#chat=")) {
            return null;
        }
        return URLDecoder.decode(hash.substring(6), StandardCharsets.UTF_8);
    }

    /** The developer hook: {@code X-Debug-Force-Error} for the next request only. */
    ChatPage forceNext(String directive) {
        WebElement panel = find(By.id("dev-panel"));
        if (panel.getDomAttribute("open") == null) {
            panel.findElement(By.tagName("summary")).click();
        }
        WebElement field = find(By.id("dev-force-error"));
        field.clear();
        field.sendKeys(directive);
        return this;
    }

    ChatPage type(String text) {
        WebElement input = find(By.id("composer-input"));
        input.clear();
        input.sendKeys(text);
        return this;
    }

    void send(String text) {
        type(text);
        until("Send to be enabled", () -> find(By.id("send-button")).isEnabled());
        find(By.id("send-button")).click();
    }

    void switchLanguage(String value) {
        new Select(find(By.id("lang-select"))).selectByValue(value);
    }

    WebElement banner() {
        return find(By.id("banner"));
    }

    /** Waits until the banner shows this error code. */
    WebElement awaitBanner(String code) {
        until("a " + code + " banner", () -> banner().isDisplayed() && code.equals(banner().getDomAttribute("data-code")));
        return banner();
    }

    void awaitNoBanner() {
        until("the banner to go", () -> !banner().isDisplayed());
    }

    String bannerText() {
        return banner().getText();
    }

    WebElement retry() {
        return find(By.id("retry-button"));
    }

    WebElement reload() {
        return find(By.id("reload-button"));
    }

    String countdown() {
        return find(By.id("retry-countdown")).getText();
    }

    boolean typingShown() {
        return find(By.id("typing")).isDisplayed();
    }

    void awaitTyping(boolean shown) {
        until("the typing indicator to be " + (shown ? "shown" : "hidden"), () -> typingShown() == shown);
    }

    /**
     * A message bubble as shown: its text (content and the line under it), its status, the server's
     * message id (null while the page does not know it) and whether it is one of this page's own turns.
     */
    record Bubble(String text, String status, String id, boolean own) {
    }

    /** The thread's bubbles of one role, read in one go (the page re-renders while we look). */
    @SuppressWarnings("unchecked")
    List<Bubble> bubbles(String role) {
        List<Map<String, Object>> raw = (List<Map<String, Object>>) script(
                "return [...document.querySelectorAll('#thread .msg')].filter(e => e.dataset.role === arguments[0])"
                        + ".map(e => ({text: e.innerText, status: e.dataset.status, id: e.dataset.id || null,"
                        + " own: (e.dataset.key || '').startsWith('turn:')}));", role);
        return raw.stream().map(m -> new Bubble((String) m.get("text"), (String) m.get("status"), (String) m.get("id"),
                Boolean.TRUE.equals(m.get("own")))).toList();
    }

    /** From now on, remembers the most user bubbles the thread ever showed at once (see {@link #mostUserBubbles}). */
    void watchUserBubbles() {
        script("const count = () => document.querySelectorAll('#thread .msg[data-role=\"user\"]').length;"
                + "window.mostUserBubbles = count();"
                + "new MutationObserver(() => { window.mostUserBubbles = Math.max(window.mostUserBubbles, count()); })"
                + ".observe(document.getElementById('thread'), {childList: true, subtree: true, attributes: true});");
    }

    long mostUserBubbles() {
        return ((Number) script("return window.mostUserBubbles;")).longValue();
    }

    /** The {@code offset} of every request the page made for a page of messages, in order (Resource Timing). */
    @SuppressWarnings("unchecked")
    List<Long> messageFetchOffsets() {
        return ((List<Object>) script("return performance.getEntriesByType('resource')"
                + ".map(e => new URL(e.name)).filter(u => /\\/messages$/.test(u.pathname) && u.searchParams.has('offset'))"
                + ".map(u => Number(u.searchParams.get('offset')));"))
                .stream().map(o -> ((Number) o).longValue()).toList();
    }

    /** Uncaught script errors (and modules that failed to load) in the browser's console since the last call. */
    List<String> scriptErrors() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(org.openqa.selenium.logging.LogEntry::getMessage)
                .filter(m -> m.contains("Uncaught") || m.contains("module script")).toList();
    }

    /** Waits for the n-th (1-based) reply of the persona as stored (not while it streams) and returns it. */
    Bubble awaitReply(int n) {
        until(n + " replies", () -> stored(bubbles("assistant")).size() >= n);
        return stored(bubbles("assistant")).get(n - 1);
    }

    private static List<Bubble> stored(List<Bubble> bubbles) {
        return bubbles.stream().filter(b -> b.id() != null).toList();
    }

    /**
     * One look at the thread's newest reply as the page drew it: whether the typing indicator showed,
     * the bubble's status ({@code streaming}, {@code retrying}, {@code completed}; null while there is
     * none) and its text (without the line under it).
     */
    record ReplyFrame(boolean typing, String status, String text) {
    }

    /**
     * From now on, records every change of the newest reply's bubble and of the typing indicator, as
     * the page draws them, and every error code the banner shows (a MutationObserver: nothing is
     * missed between two polls).
     */
    void watchReplies() {
        script("const banner = document.getElementById('banner');"
                + "window.bannerCodes = [];"
                + "new MutationObserver(() => {"
                + "  if (!banner.hidden && banner.dataset.code !== window.bannerCodes[window.bannerCodes.length - 1])"
                + "    window.bannerCodes.push(banner.dataset.code);"
                + "}).observe(banner, {attributes: true, attributeFilter: ['hidden', 'data-code']});"
                + "const typing = document.getElementById('typing');"
                + "const look = () => {"
                + "  const replies = document.querySelectorAll('#thread .msg[data-role=\"assistant\"]');"
                + "  const last = replies[replies.length - 1];"
                + "  const frame = {typing: !typing.hidden, status: last ? last.dataset.status : null,"
                + "    text: last ? last.querySelector('.msg__bubble').textContent : null};"
                + "  const previous = window.replyFrames[window.replyFrames.length - 1];"
                + "  if (JSON.stringify(previous) !== JSON.stringify(frame)) window.replyFrames.push(frame);"
                + "};"
                + "window.replyFrames = [];"
                + "look();"
                + "const observer = new MutationObserver(look);"
                + "observer.observe(document.getElementById('thread'), {childList: true, subtree: true, characterData: true});"
                + "observer.observe(typing, {attributes: true, attributeFilter: ['hidden']});");
    }

    /** The error codes the banner showed since {@link #watchReplies}, in order. */
    @SuppressWarnings("unchecked")
    List<String> bannerCodes() {
        return (List<String>) script("return window.bannerCodes;");
    }

    /**
     * Makes the connection of the page's next send drop right after the reply's first piece: the page
     * reads a stream that ends there, without its last event (the server's turn goes on).
     */
    void cutNextReplyStream() {
        script("const send = window.fetch;"
                + "let armed = true;"
                + "window.fetch = async (input, init) => {"
                + "  const response = await send(input, init);"
                + "  if (!armed || init?.method !== 'POST' || !String(input).endsWith('/messages')) return response;"
                + "  armed = false;"
                + "  const reader = response.body.getReader();"
                + "  const decoder = new TextDecoder();"
                + "  let seen = '';"
                + "  const body = new ReadableStream({ async pull(controller) {"
                + "    const { done, value } = await reader.read();"
                + "    if (done) { controller.close(); return; }"
                + "    controller.enqueue(value);"
                + "    seen += decoder.decode(value, { stream: true });"
                + "    if (seen.includes('event: delta')) { reader.cancel(); controller.close(); }"
                + "  } });"
                + "  return new Response(body, { status: response.status, headers: response.headers });"
                + "};");
    }

    /** What {@link #watchReplies} recorded, in order, each different from the one before. */
    @SuppressWarnings("unchecked")
    List<ReplyFrame> replyFrames() {
        List<Map<String, Object>> raw = (List<Map<String, Object>>) script("return window.replyFrames;");
        return raw.stream().map(m -> new ReplyFrame(Boolean.TRUE.equals(m.get("typing")), (String) m.get("status"),
                (String) m.get("text"))).toList();
    }

    String balance() {
        return find(By.id("balance-value")).getText();
    }

    String text(String id) {
        return find(By.id(id)).getText();
    }

    /** What the page measured: {@code {indicatorShownMs: [...], indicatorClear: [{outcome, hiddenMs, paintedMs}]}}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> metrics() {
        return (Map<String, Object>) script("return JSON.parse(JSON.stringify(window.parley.metrics));");
    }

    void screenshot(String name) {
        Path dir = Path.of(System.getProperty("parley.it.screenshot-dir", "target/screenshots"));
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Runs a script that answers by calling its last argument (a callback), and returns that answer. */
    Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    WebElement find(By by) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    void until(String what, java.util.function.BooleanSupplier condition) {
        until(what, WAIT, condition);
    }

    void until(String what, Duration deadline, java.util.function.BooleanSupplier condition) {
        try {
            new WebDriverWait(driver, deadline, Duration.ofMillis(50))
                    .withMessage(() -> what + " (banner: " + safeBanner() + ")")
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(d -> condition.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            System.out.println("FAILED WAIT '" + what + "' at " + driver.getCurrentUrl() + "; browser console:");
            driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).forEach(l -> System.out.println("  " + l));
            System.out.println("  requests: " + script("return performance.getEntriesByType('resource')"
                    + ".map(e => e.name.replace(location.origin, '') + ' ' + Math.round(e.duration) + 'ms').join(', ')"));
            throw e;
        }
    }

    private String safeBanner() {
        try {
            return banner().getDomAttribute("data-code") + " " + banner().getText().replace('\n', ' ');
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
