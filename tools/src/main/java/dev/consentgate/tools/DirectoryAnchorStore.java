package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Anchors as files of one directory, {@code 00000001.cganchor}, {@code 00000002.cganchor}, ...: a new file per anchor,
 * created only if its name is free and then made read-only. Mount a write-once volume (WORM, a bucket with a retention
 * lock) there to keep whoever controls the cluster from changing them. Other files in the directory are ignored.
 */
final class DirectoryAnchorStore implements AnchorStore {

    static final String SUFFIX = ".cganchor";
    private static final Pattern NAME = Pattern.compile("(\\d{8})" + Pattern.quote(SUFFIX));

    private final Path directory;

    /** A store in an existing, readable directory; a {@link CommandFailure} (exit 2) names what is wrong with it. */
    DirectoryAnchorStore(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "anchor directory " + directory + " does not exist or is not a directory");
        }
        if (!Files.isReadable(directory)) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "anchor directory " + directory + " is not readable");
        }
        this.directory = directory;
    }

    @Override
    public String append(byte[] anchor) {
        int number = numbers().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        Path file = directory.resolve(String.format("%08d%s", number, SUFFIX));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(anchor));
            // On disk before the command says it is anchored.
            channel.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, file + " appeared while anchoring: another anchor run? Run again");
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot write the anchor " + file + ": " + e);
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // A file system without POSIX permissions (or a WORM mount that refuses the change): its own rules apply.
        }
        return file.getFileName().toString();
    }

    @Override
    public List<Stored> readAll() {
        List<Stored> anchors = new ArrayList<>();
        for (int number : numbers()) {
            Path file = directory.resolve(String.format("%08d%s", number, SUFFIX));
            try {
                anchors.add(new Stored(file.getFileName().toString(), Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot read the anchor " + file + ": " + e);
            }
        }
        return anchors;
    }

    @Override
    public String describe() {
        return directory.toString();
    }

    private List<Integer> numbers() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> NAME.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1))).sorted().toList();
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot list the anchor directory " + directory + ": " + e);
        }
    }
}
