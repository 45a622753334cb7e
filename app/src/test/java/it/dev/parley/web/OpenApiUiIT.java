package it.dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Liberty's OpenAPI UI ({@code /openapi/ui}) in headless Chromium: it loads the served document and
 * lists every operation, and nothing on the page is refused by a Content-Security-Policy (the WAR's
 * strict one applies to the WAR only; Liberty serves the UI itself).
 */
class OpenApiUiIT {
    private static final String BASE = System.getProperty("parley.it.base-url", "http://localhost:9280");
    private static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theUiListsEveryOperationWithNothingRefused() {
        var driver = browser.driver();
        driver.get(BASE + "/openapi/ui/");
        List<WebElement> operations = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100))
                .withMessage("the UI listed the API's operations")
                .until(d -> {
                    List<WebElement> found = d.findElements(By.cssSelector(".opblock-summary-path"));
                    return found.size() >= 9 ? found : null;
                });
        List<String> paths = operations.stream().map(e -> e.getText().replace("\u200B", "").strip()).toList();
        screenshot(driver.getScreenshotAs(OutputType.BYTES));

        assertThat(paths).contains("/api/me", "/api/personas", "/api/chats", "/api/chats/{chatId}/messages",
                "/api/chats/{chatId}/events", "/api/chats/{chatId}/events/ticket", "/api/auth/dev-login");
        List<String> console = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage).toList();
        assertThat(console).as("the browser's console").noneMatch(m -> m.contains("Content Security Policy")
                || m.contains("Refused to") || m.contains("Uncaught"));
    }

    private static void screenshot(byte[] png) {
        Path dir = Path.of(System.getProperty("parley.it.screenshot-dir", "target/screenshots"));
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("openapi-ui.png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
