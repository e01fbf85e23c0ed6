package dev.consentgate.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar consentgate.jar run} in a child JVM, as an operator starts the service: the shaded
 * jar the build makes in {@code package}, before the integration tests run. The auditor's commands run from
 * consentgate-tools.jar. Output goes to a log file, never to the console. {@link #stop} sends SIGTERM,
 * {@link #kill} SIGKILL.
 */
public final class RunnableJar implements AutoCloseable {

    /** The service's jar: {@code run}, {@code topics}, {@code policy}. Failsafe names it (the parent pom). */
    public static final Path JAR = jar("consentgate.service.jar");
    /** The auditor's jar: the service's commands and {@code audit}, {@code explain}, {@code replay}. */
    public static final Path TOOLS_JAR = jar("consentgate.tools.jar");

    private final Process process;
    private final Path log;
    private final int httpPort;

    private static Path jar(String property) {
        // Unset outside Maven's failsafe: start() then says the jar is missing.
        return Path.of(System.getProperty(property, "target/" + property + "-not-set"));
    }

    private RunnableJar(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Starts {@code run --config config --policy policy} on a free HTTP port, with the JVM options given. */
    public static RunnableJar run(Path config, Path policy, Path log, List<String> jvmOptions) throws IOException {
        int port = LoopbackPorts.free();
        return new RunnableJar(start(JAR, jvmOptions, List.of("run", "--config", config.toString(), "--policy", policy.toString(),
                "--http-host", "127.0.0.1", "--http-port", Integer.toString(port)), log), log, port);
    }

    /** Runs another command of the jar ({@code audit verify --config …}) to its end; its exit code, its output in {@code log}. */
    public static int execute(Path log, Duration timeout, String... args) throws IOException, InterruptedException {
        Process process = start(TOOLS_JAR, List.of(), List.of(args), log);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("consentgate " + String.join(" ", args) + " did not end within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    private static Process start(Path jar, List<String> jvmOptions, List<String> args, Path log) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests through Maven's verify phase");
        }
        List<String> command = javaCommand(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** This JVM's {@code java} with {@code jvmOptions}, to which the caller adds {@code -jar} or {@code -cp}. */
    public static List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        return command;
    }

    /** Whether {@code /health/ready} answered 200 (Kafka Streams RUNNING) within the timeout; false at once if the JVM ended. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** The body of {@code GET path} on the service's HTTP port, e.g. {@code /metrics}; fails unless it answers 200. */
    public String httpGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** SIGTERM, then waits for the JVM to end; its exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the service did not stop within " + timeout + " of SIGTERM; its log is " + log);
        }
        return process.exitValue();
    }

    /** SIGKILL (on Linux, what {@link Process#destroyForcibly()} sends), then waits for the JVM to end; its exit code, 137. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return log;
    }

    /** The child's output so far, for failure messages: ConsentGate logs no payloads or customer ids. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Kills the JVM if it still runs, so that no test leaves a service behind. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
