package dev.consentgate.cli;

import java.util.List;

/**
 * Commands that another module adds to the {@code consentgate} command line: the auditor's tools and the demo.
 * Implementations are found with {@link java.util.ServiceLoader}, so the service's jar runs without them and a jar
 * that carries them (consentgate-tools.jar, consentgate-demo.jar) offers them under the same command line.
 */
public interface CommandExtension {

    /** picocli command objects, each annotated with its {@code @Command} name. */
    List<Object> commands();
}
