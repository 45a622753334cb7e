package dev.parley.ai.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A provider that answers one request over a plain socket, for what WireMock cannot do: the subclass
 * writes the response ({@link #answer}) once the request's head is read; an {@link IOException} there
 * means the client closed the connection. Subclasses call {@link #start()} at the end of their constructor.
 */
abstract class OneRequestProvider implements AutoCloseable {
    private final ServerSocket server;
    private final String name;
    private volatile Socket connection;

    OneRequestProvider(String name) throws IOException {
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.name = name;
    }

    /** {@code http://127.0.0.1:port}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Writes the response to the request whose head has been read from {@code in}. */
    abstract void answer(InputStream in, OutputStream out) throws IOException;

    /** Called when the exchange is over: answered, or the connection closed. */
    abstract void ended();

    final void start() {
        Thread thread = new Thread(this::serve, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        try (Socket socket = server.accept()) {
            connection = socket;
            InputStream in = socket.getInputStream();
            readRequestHead(in);
            answer(in, socket.getOutputStream());
        } catch (IOException closedByTheClient) {
            // the client closed the connection
        } finally {
            ended();
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
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

    @Override
    public void close() throws IOException {
        server.close();
        Socket socket = connection;
        if (socket != null) {
            socket.close();
        }
    }
}
