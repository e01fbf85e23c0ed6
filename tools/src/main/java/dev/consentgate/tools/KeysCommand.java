package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.client.KeysetKek;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consentgate keys}: the keys of crypto-shredding. */
@Command(name = "keys", description = "Keys of encrypted fields.", mixinStandardHelpOptions = true, subcommands = KeysCommand.Kek.class)
final class KeysCommand {

    @Command(name = "kek", mixinStandardHelpOptions = true,
            description = {"Write a new key-encryption key: a Tink AES-256-GCM keyset in JSON, readable by its owner only, for "
                    + "consentgate.keys.kek (the service, e.g. through ${dir:...}) and the purpose consumers' DecryptingDeserializer. Refuses to "
                    + "overwrite a file."})
    static final class Kek implements Callable<Integer> {

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write.")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(out)) {
                throw new CommandFailure(ExitCodes.INVALID_INPUT, out + " exists; a key-encryption key is never overwritten");
            }
            Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(out, KeysetKek.generate());
            spec.commandLine().getOut().printf("wrote a new key-encryption key to %s%n", out);
            return ExitCodes.OK;
        }
    }
}
