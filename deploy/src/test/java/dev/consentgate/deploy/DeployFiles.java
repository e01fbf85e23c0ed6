package dev.consentgate.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the deploy module's files are: tests run in the module's directory. */
final class DeployFiles {

    static final Path KUBERNETES = Path.of("kubernetes");
    static final Path EXAMPLE_OVERLAY = Path.of("overlays", "example");
    static final Path STRIMZI = Path.of("strimzi");
    static final Path ACL_SCRIPT = Path.of("acls", "create-acls.sh");
    static final Path IMAGE_PASSWD = Path.of("src", "image", "rootfs", "etc", "passwd");

    private DeployFiles() {
    }

    /** The YAML files of a directory, in name order: the order they are applied in. */
    static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The numeric user id the image's {@code /etc/passwd} gives the user {@code consentgate}. */
    static long imageUserId() {
        return read(IMAGE_PASSWD).lines()
                .map(line -> line.split(":"))
                .filter(fields -> fields[0].equals("consentgate"))
                .mapToLong(fields -> Long.parseLong(fields[2]))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(IMAGE_PASSWD + " has no user consentgate"));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
