package org.custos.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A byte-for-byte TCP relay on a fixed loopback port to the real FHIR server: a server at a stable URL that can be
 * taken down (connections refused) and brought back, as a real one restarts.
 */
public final class TcpRelay implements AutoCloseable {
    private final int port;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;
    private final javax.net.ssl.SSLContext tls;
    private final boolean needClientAuth;

    /** A relay to {@code targetPort} on a free port, not yet listening. */
    public TcpRelay(int targetPort) throws IOException {
        this(targetPort, null, false);
    }

    /**
     * A relay that speaks TLS to its clients ({@code tls}: the server's certificate), asking for a client certificate
     * when {@code needClientAuth} — an https front of the plain test server, as a reverse proxy would be.
     */
    public TcpRelay(int targetPort, javax.net.ssl.SSLContext tls, boolean needClientAuth) throws IOException {
        this.targetPort = targetPort;
        this.tls = tls;
        this.needClientAuth = needClientAuth;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        }
    }

    /** http://127.0.0.1:PORT/fhir */
    public String baseUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port + "/fhir";
    }

    public synchronized void up() throws IOException {
        ServerSocket s = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        if (s instanceof javax.net.ssl.SSLServerSocket ssl) {
            ssl.setNeedClientAuth(needClientAuth);
        }
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listener = s;
        Thread t = new Thread(() -> accept(s), "tcp-relay-" + port);
        t.setDaemon(true);
        t.start();
    }

    /** Stops listening and cuts every open connection. */
    public synchronized void down() throws IOException {
        ServerSocket s = listener;
        listener = null;
        if (s != null) {
            s.close();
        }
        for (Socket c : open) {
            c.close();
        }
        open.clear();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(server);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "tcp-relay-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        down();
    }
}
