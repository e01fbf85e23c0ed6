package dev.consentgate.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Prometheus' {@code promtool}, which Debian's package {@code prometheus} installs. */
final class Promtool {

    static final String INSTALL_HINT = "promtool is not on the PATH: install it with "
            + "'apt-get install prometheus' (Debian, Ubuntu) or from https://prometheus.io/download/";

    /** What one run printed and how it ended. */
    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** Runs {@code promtool args...} in {@code dir}, stdout and stderr together; fails if promtool cannot be started. */
    static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("promtool");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(INSTALL_HINT, e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not finish within 2 minutes");
        }
        return new Result(process.exitValue(), output);
    }
}
