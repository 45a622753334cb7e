package dev.parley.ai.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
public final class EndlessProvider implements AutoCloseable {
    private static final byte[] CHUNK = chunk(64 * 1024);

    private final ServerSocket server;
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Socket connection;

    public EndlessProvider() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "endless-provider");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code http://127.0.0.1:port}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Bytes of body written so far (some may still sit in socket buffers). */
    public long bytesWritten() {
        return written.get();
    }

    /** Waits until the client has closed the connection and the writing stopped. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    private void serve() {
        try (Socket socket = server.accept()) {
            connection = socket;
            readRequestHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write(CHUNK);
                out.flush();
                written.addAndGet(CHUNK.length);
            }
        } catch (IOException closedByTheClient) {
            // the point: the client stopped reading and closed the connection
        } finally {
            stopped.countDown();
        }
    }

    /** Reads a request up to the blank line after its headers. */
    static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed before sending a request");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
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

    @Override
    public void close() throws IOException {
        server.close();
        Socket socket = connection;
        if (socket != null) {
            socket.close();
        }
    }
}
