package dev.consentgate.demo;

import dev.consentgate.cli.CommandExtension;
import java.util.List;

/** {@code consentgate demo}. */
public final class DemoCommands implements CommandExtension {

    @Override
    public List<Object> commands() {
        return List.of(new DemoCommand());
    }
}
