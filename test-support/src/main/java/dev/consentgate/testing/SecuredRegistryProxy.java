package dev.consentgate.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A schema registry as production puts it: behind TLS and HTTP basic authentication. An HTTPS server on 127.0.0.1
 * with a certificate of its own ({@link TlsCertificates}) that refuses a request without the right credentials (401)
 * and passes the others to a plain registry, e.g. the shared Apicurio Registry. It counts both, so a test can show
 * that a client came through it and with its credentials.
 */
public final class SecuredRegistryProxy implements AutoCloseable {

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "secured-registry-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI upstreamBase;
    private final String expectedAuthorization;
    private final TlsCertificates certificates;
    private final AtomicInteger authenticated = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private SecuredRegistryProxy(URI upstreamBase, String user, String password, TlsCertificates certificates) throws Exception {
        this.upstreamBase = upstreamBase;
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.certificates = certificates;
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(certificates)));
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a proxy to the registry at {@code upstreamUrl} (a base URL such as Apicurio's ccompat URL) for one user. */
    public static SecuredRegistryProxy start(String upstreamUrl, String user, String password, Path dir) throws Exception {
        Files.createDirectories(dir);
        return new SecuredRegistryProxy(URI.create(upstreamUrl.replaceAll("/+$", "")), user, password, TlsCertificates.generate(dir));
    }

    /** The proxy's base URL: {@code https://localhost:<port>}, the name its certificate holds. */
    public String url() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    /** The client settings that trust the proxy's certificate. */
    public Map<String, String> trustSettings() {
        return Map.of("schema.registry.ssl.truststore.location", certificates.trustStore().toString(),
                "schema.registry.ssl.truststore.type", "PKCS12",
                "schema.registry.ssl.truststore.password", certificates.password());
    }

    public TlsCertificates certificates() {
        return certificates;
    }

    /** Requests that carried the right credentials and were passed on. */
    public int authenticatedRequests() {
        return authenticated.get();
    }

    /** Requests refused with 401. */
    public int refusedRequests() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            authenticated.incrementAndGet();
            HttpResponse<byte[]> answer = forward(exchange);
            answer.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
            byte[] body = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding to the registry", e);
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange) throws IOException, InterruptedException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        URI requested = exchange.getRequestURI();
        String query = requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstreamBase + requested.getRawPath() + query))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static SSLContext serverContext(TlsCertificates certificates) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.keyStore())) {
            keyStore.load(in, certificates.password().toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, certificates.password().toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
