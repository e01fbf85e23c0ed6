package dev.consentgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry (the {@code apicurio-registry-app} distribution the build unpacks) run as
 * a child process on a loopback port, with in-memory storage: a stop loses every schema, unless it was
 * made {@link #onFreePortWithFileStorage(Path) with file storage}. Its output goes to a log file next
 * to the runner jar, never to the console.
 *
 * <p>{@link #shared()} gives one instance per test JVM, so integration tests pay the startup once.
 * {@link #stop()} and {@link #start()} take the registry away and bring it back on the same port.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** Failsafe passes the unpacked runner jar's path under this name. */
    private static final String RUNNER_JAR_PROPERTY = "apicurio.runner.jar";

    // Startup takes 5-25 s, depending on how busy the machine is; a slow start is no failure.
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final String HOST = "127.0.0.1";
    // The distribution's default, pinned so a REGISTRY_DATASOURCE_URL in the environment cannot
    // point the tests at a real database.
    private static final String IN_MEMORY_STORAGE = "jdbc:h2:mem:registry_db";
    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);

    private static ApicurioRegistry shared;

    private final Path runnerJar;
    private final Path logFile;
    private final int port;
    private final String datasourceUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private Process process;

    private ApicurioRegistry(Path runnerJar, int port, String datasourceUrl) {
        this.runnerJar = runnerJar;
        this.port = port;
        this.datasourceUrl = datasourceUrl;
        this.logFile = runnerJar.resolveSibling("registry-" + port + ".log");
    }

    /** A stopped registry on a free loopback port; call {@link #start()}. */
    public static ApicurioRegistry onFreePort() {
        return new ApicurioRegistry(runnerJar(), LoopbackPorts.free(), IN_MEMORY_STORAGE);
    }

    /**
     * A stopped registry on a free loopback port that keeps its schemas in an H2 database file under
     * {@code directory}, so they, and their ids, survive a {@link #stop()} and {@link #start()}.
     */
    public static ApicurioRegistry onFreePortWithFileStorage(Path directory) {
        return new ApicurioRegistry(runnerJar(), LoopbackPorts.free(), "jdbc:h2:file:" + directory.toAbsolutePath().resolve("registry_db"));
    }

    private static Path runnerJar() {
        String jar = System.getProperty(RUNNER_JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("System property " + RUNNER_JAR_PROPERTY + " must name the "
                    + "Apicurio Registry runner jar (" + jar + "); run the tests through Maven's verify phase");
        }
        return Path.of(jar);
    }

    /**
     * The registry shared by every test in this JVM, started on first use (and again if a test left it
     * stopped) and stopped when the JVM exits.
     */
    public static synchronized ApicurioRegistry shared() {
        if (shared == null) {
            shared = onFreePort();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "apicurio-registry-stop"));
        }
        if (!shared.isRunning()) {
            shared.start();
        }
        return shared;
    }

    /** Starts the registry and waits until its Confluent-compatible API answers. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("Apicurio Registry is already running on port " + port);
        }
        long startedAt = System.nanoTime();
        try {
            process = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Apicurio Registry from " + runnerJar, e);
        }
        awaitReady(startedAt);
        LOG.info("Apicurio Registry answered on port {} after {} ms; its log is {}", port,
                Duration.ofNanos(System.nanoTime() - startedAt).toMillis(), logFile);
    }

    /** Stops the registry, its child processes included, and waits until it has exited. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The base URL for {@code schema.registry.url}: Apicurio's Confluent-compatible API. */
    public String ccompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    /** The base URL for Apicurio's own serde ({@code apicurio.registry.url}): its native v2 API. */
    public String registryApiUrl() {
        return baseUrl() + "/apis/registry/v2";
    }

    private String baseUrl() {
        return "http://" + HOST + ":" + port;
    }

    private List<String> command() {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("Cannot tell which java runs this JVM"));
        return List.of(java,
                // C1 only: halves the startup on two cores; the tests ask for little throughput.
                "-XX:TieredStopAtLevel=1",
                "-Xmx512m",
                "-Dquarkus.http.host=" + HOST,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=" + datasourceUrl,
                // The default, pinned: the Confluent API hands out content ids, which is what
                // Apicurio's serde must be told with apicurio.registry.use-id=contentId.
                "-Dregistry.ccompat.legacy-id-mode.enabled=false",
                "-jar", runnerJar.toString());
    }

    private void awaitReady(long startedAt) {
        long deadline = startedAt + STARTUP_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Apicurio Registry exited with code "
                            + process.exitValue() + " while starting; see " + logFile);
                }
                if (answers(probe)) {
                    return;
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
        }
        stop();
        throw new IllegalStateException("Apicurio Registry did not answer within " + STARTUP_TIMEOUT
                + "; see " + logFile);
    }

    private boolean answers(HttpRequest probe) throws InterruptedException {
        try {
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            // Refused until the port is bound; a reset or timeout while the API comes up. Try again.
            return false;
        }
    }
}
