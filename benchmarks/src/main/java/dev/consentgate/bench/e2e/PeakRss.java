package dev.consentgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The peak resident set size of this process, from Linux's /proc (VmHWM). */
final class PeakRss {

    private PeakRss() {
    }

    /** In kB, or -1 where /proc is not there. */
    static long ofThisProcessKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        return Files.readAllLines(status).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst().orElse(-1L);
    }
}
