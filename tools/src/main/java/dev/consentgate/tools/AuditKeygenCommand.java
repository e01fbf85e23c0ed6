package dev.consentgate.tools;

import dev.consentgate.audit.ChainHash;
import dev.consentgate.audit.CheckpointKeys;
import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consentgate audit keygen}: makes the Ed25519 key pair that signs audit checkpoints. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Write a new Ed25519 key pair for signed audit checkpoints: checkpoint-signing.key (PKCS#8 PEM, readable by "
                + "its owner only) and checkpoint-signing.pub (X.509 PEM). Refuses to overwrite existing files."})
final class AuditKeygenCommand implements Callable<Integer> {

    static final String PRIVATE_FILE = "checkpoint-signing.key";
    static final String PUBLIC_FILE = "checkpoint-signing.pub";

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory the two files are written to.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path privateFile = out.resolve(PRIVATE_FILE);
        Path publicFile = out.resolve(PUBLIC_FILE);
        if (Files.exists(privateFile) || Files.exists(publicFile)) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, out + " already holds a key pair; choose another directory");
        }
        Files.createDirectories(out);
        KeyPair keys = CheckpointKeys.generate();
        Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privateFile, CheckpointKeys.privatePem(keys.getPrivate()));
        Files.writeString(publicFile, CheckpointKeys.publicPem(keys.getPublic()));
        PrintWriter printer = spec.commandLine().getOut();
        printer.printf("wrote %s and %s, key id %s%n", privateFile, publicFile, ChainHash.hex(CheckpointKeys.keyId(keys.getPublic())));
        return ExitCodes.OK;
    }
}
