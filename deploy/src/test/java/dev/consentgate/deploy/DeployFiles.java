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

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
