package dev.parley.ai.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A provider whose streamed answer the test writes piece by piece: it accepts one request, answers
 * {@code 200 text/event-stream} with a chunked body, and then sends what {@link #send} is given, when
 * it is given. It notices when the client closes the connection. What WireMock
 * cannot do (its bodies are written on its own schedule).
 */
public final class ScriptedStreamProvider extends OneRequestProvider {
    private final CountDownLatch answering = new CountDownLatch(1);
    private final CountDownLatch closedByClient = new CountDownLatch(1);
    private volatile OutputStream out;

    public ScriptedStreamProvider() throws IOException {
        super("scripted-stream-provider");
        start();
    }

    /** Waits until the request has come and the response's headers are written. */
    public boolean awaitAnswering(long timeout, TimeUnit unit) throws InterruptedException {
        return answering.await(timeout, unit);
    }

    /** Writes {@code text} as one chunk of the body; fails if the client has closed the connection. */
    public void send(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Waits until the client has closed the connection (it dropped the exchange). */
    public boolean awaitClosedByClient(long timeout, TimeUnit unit) throws InterruptedException {
        return closedByClient.await(timeout, unit);
    }

    @Override
    void answer(InputStream in, OutputStream response) throws IOException {
        response.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        response.flush();
        out = response;
        answering.countDown();
        while (in.read() >= 0) {
            // the request's body, then nothing until the client closes
        }
    }

    @Override
    void ended() {
        closedByClient.countDown();
    }
}
