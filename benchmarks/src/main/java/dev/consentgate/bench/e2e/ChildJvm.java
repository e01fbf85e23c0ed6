package dev.consentgate.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this module run in its own JVM, with this JVM's java and classpath, so that the
 * broker, the app under test and the load generator do not share a heap, a JIT or a core budget
 * they would skew for each other. The child writes its results to stdout as {@code KEY=value}
 * lines; its logs (stderr) go to a file.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final BufferedReader stdout;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static ChildJvm start(Class<?> mainClass, List<String> jvmOptions, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        return new ChildJvm(process);
    }

    /** The value of the next {@code key=value} line the child prints; fails if it exits first. */
    String awaitValue(String key) throws IOException {
        String prefix = key + "=";
        for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        throw new IOException("the child JVM " + process.pid() + " ended without printing " + key + " (exit code "
                + exitCodeOrRunning() + "); see its log");
    }

    private String exitCodeOrRunning() {
        return process.isAlive() ? "none, still running" : Integer.toString(process.exitValue());
    }

    /** Signals the child to finish (its stdin closes) without waiting for it: it may still print results. */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Closing the child's stdin is its signal to shut down cleanly; it is killed if it does not within a minute. */
    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
