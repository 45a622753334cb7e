package dev.parley.ai.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A provider that answers one request with {@code 200} and a chunked body that never ends: it
 * writes 64 KiB chunks until the client closes the connection, counting the bytes it wrote. What
 * WireMock cannot do (its bodies are finite and buffered).
 */
public final class EndlessProvider extends OneRequestProvider {
    private static final byte[] CHUNK = chunk(64 * 1024);

    private final AtomicLong written = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);

    public EndlessProvider() throws IOException {
        super("endless-provider");
        start();
    }

    /** Bytes of body written so far (some may still sit in socket buffers). */
    public long bytesWritten() {
        return written.get();
    }

    /** Waits until the client has closed the connection and the writing stopped. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    @Override
    void answer(InputStream in, OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        while (true) {
            out.write(CHUNK);
            out.flush();
            written.addAndGet(CHUNK.length);
        }
    }

    @Override
    void ended() {
        stopped.countDown();
    }

    private static byte[] chunk(int size) {
        byte[] head = (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[head.length + size + 2];
        System.arraycopy(head, 0, chunk, 0, head.length);
        Arrays.fill(chunk, head.length, head.length + size, (byte) 'x');
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }
}
