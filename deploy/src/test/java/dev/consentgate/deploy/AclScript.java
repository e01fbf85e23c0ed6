package dev.consentgate.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What deploy/acls/create-acls.sh grants: the script is run for real with a stand-in kafka-acls.sh that records its
 * arguments, which are read back as kafka-acls.sh reads them.
 */
final class AclScript {

    private static final String END_OF_CALL = "--end-of-call--";
    private static final Map<String, ResourceType> RESOURCE_OPTIONS = Map.of("--topic", ResourceType.TOPIC,
            "--group", ResourceType.GROUP, "--transactional-id", ResourceType.TRANSACTIONAL_ID);

    private AclScript() {
    }

    static Set<AclBinding> grants(Path script, Path workDirectory) {
        Path calls = workDirectory.resolve("calls");
        Path kafkaAcls = recordingKafkaAcls(workDirectory, calls);
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "broker:9093", "admin.properties")
                    .redirectErrorStream(true).redirectOutput(workDirectory.resolve("output").toFile());
            builder.environment().put("KAFKA_ACLS", kafkaAcls.toString());
            Process process = builder.start();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(script + " failed: " + Files.readString(workDirectory.resolve("output")));
            }
            return parse(Files.readAllLines(calls, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path recordingKafkaAcls(Path directory, Path calls) {
        Path stub = directory.resolve("kafka-acls.sh");
        try {
            Files.writeString(stub, "#!/bin/sh\nfor arg in \"$@\"; do printf '%s\\n' \"$arg\" >> '" + calls + "'; done\n"
                    + "echo '" + END_OF_CALL + "' >> '" + calls + "'\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<AclBinding> parse(List<String> lines) {
        Set<AclBinding> bindings = new HashSet<>();
        List<String> call = new ArrayList<>();
        for (String line : lines) {
            if (line.equals(END_OF_CALL)) {
                bindings.addAll(call(call));
                call.clear();
            } else {
                call.add(line);
            }
        }
        return bindings;
    }

    /** One kafka-acls.sh --add call, with kafka-acls.sh's defaults: literal pattern, any host. */
    private static Set<AclBinding> call(List<String> args) {
        String principal = null;
        String host = "*";
        ResourceType type = null;
        String name = null;
        PatternType patternType = PatternType.LITERAL;
        List<AclOperation> operations = new ArrayList<>();
        boolean add = false;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            switch (option) {
                case "--add" -> add = true;
                case "--bootstrap-server", "--command-config" -> i++;
                case "--allow-principal" -> principal = args.get(++i);
                case "--allow-host" -> host = args.get(++i);
                case "--cluster" -> {
                    type = ResourceType.CLUSTER;
                    name = Resource.CLUSTER_NAME;
                }
                case "--resource-pattern-type" -> patternType = PatternType.valueOf(args.get(++i).toUpperCase(java.util.Locale.ROOT));
                case "--operation" -> operations.add(KafkaAclNames.operation(args.get(++i)));
                default -> {
                    if (!RESOURCE_OPTIONS.containsKey(option)) {
                        throw new IllegalArgumentException("unexpected kafka-acls.sh argument " + option + " in " + args);
                    }
                    type = RESOURCE_OPTIONS.get(option);
                    name = args.get(++i);
                }
            }
        }
        if (!add || principal == null || type == null || operations.isEmpty()) {
            throw new IllegalArgumentException("not a complete kafka-acls.sh --add call: " + args);
        }
        ResourcePattern pattern = new ResourcePattern(type, name, patternType);
        Set<AclBinding> bindings = new HashSet<>();
        for (AclOperation operation : operations) {
            bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, host, operation, AclPermissionType.ALLOW)));
        }
        return bindings;
    }
}
