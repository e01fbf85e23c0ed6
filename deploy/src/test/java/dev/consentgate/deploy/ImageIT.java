package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images the build makes (target/consentgate-image.tar, the service's, and target/consentgate-tools-image.tar, the
 * auditor's tools', OCI image layouts): their configurations, their files, and their entrypoints run from their own
 * files. Without a container engine there is no chroot, so the layers are applied in
 * order to a directory and the entrypoint's program is started through the image's own dynamic loader, with the
 * image's library directories and not the machine's library cache, and with the runtime's java.library.path
 * (where System.loadLibrary looks) moved under the root. The loader still falls back to the machine's system
 * directories for a library the image lacks, so the runtime probe checks that every shared object the process
 * mapped is the image's.
 */
class ImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static Image service;
    private static Image tools;

    /** An image unpacked: its layers applied in order to {@code root}, and its configuration. */
    private record Image(Path root, JsonNode config) {

        /** The runtime's java.library.path under each image's root, once read. */
        private static final Map<Path, String> JAVA_LIBRARY_PATHS = new java.util.HashMap<>();

        static Image unpack(String tarProperty, Path directory) throws Exception {
            Path layout = directory.resolve("layout");
            try (InputStream in = Files.newInputStream(Path.of(System.getProperty(tarProperty)))) {
                extract(in, layout);
            }
            JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
            assertThat(index.path("manifests")).hasSize(1);
            JsonNode manifest = JSON.readTree(blob(layout, index.path("manifests").get(0)));
            JsonNode config = JSON.readTree(blob(layout, manifest.path("config")));
            Path root = Files.createDirectory(directory.resolve("root"));
            for (JsonNode layer : manifest.path("layers")) {
                assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
                try (InputStream in = new GZIPInputStream(Files.newInputStream(blob(layout, layer).toPath()))) {
                    extract(in, root);
                }
            }
            return new Image(root, config);
        }

        JsonNode container() {
            return config.path("config");
        }

        /** Every regular file but those under /app, by its path from the root, with its SHA-256. */
        Map<String, String> filesOutsideApp() throws Exception {
            Map<String, String> digests = new java.util.TreeMap<>();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).filter(file -> !file.startsWith(root.resolve("app"))).toList()) {
                    digests.put("/" + root.relativize(file), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
                }
            }
            return digests;
        }

        /** Every jar in the image, by its path from the root. */
        List<String> jars() throws IOException {
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(Files::isRegularFile).filter(file -> file.getFileName().toString().endsWith(".jar"))
                        .map(file -> "/" + root.relativize(file)).sorted().toList();
            }
        }
    }

    @BeforeAll
    static void unpackImages() throws Exception {
        service = Image.unpack("consentgate.image.tar", Files.createDirectory(work.resolve("service")));
        tools = Image.unpack("consentgate.tools.image.tar", Files.createDirectory(work.resolve("tools")));
    }

    @Test
    void configRunsTheServiceAsAnUnprivilegedUserWithItsVolumesPortAndLabels() {
        JsonNode c = service.container();
        assertThat(service.config().path("os").asText()).isEqualTo("linux");
        assertThat(strings(c.path("Entrypoint"))).containsExactly("/opt/java/bin/java", "-Duser.language=en",
                "-Duser.country=US", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp",
                "-jar", "/app/consentgate.jar");
        assertThat(strings(c.path("Cmd"))).isEmpty();
        assertThat(c.path("User").asText()).isEqualTo("65532:65532");
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/consentgate");
        assertThat(strings(c.path("Env"))).containsExactly("CONSENTGATE_STATE_DIR=/var/lib/consentgate");
        assertThat(names(c.path("ExposedPorts"))).containsExactly("8080/tcp");
        assertThat(names(c.path("Volumes"))).containsExactlyInAnyOrder("/var/lib/consentgate", "/tmp");
        assertThat(JSON.convertValue(c.path("Labels"), new TypeReference<Map<String, String>>() { })).isEqualTo(Map.of(
                "org.opencontainers.image.title", "ConsentGate",
                "org.opencontainers.image.description", "Consent and purpose enforcement for CRM event streams on Kafka",
                "org.opencontainers.image.version", System.getProperty("consentgate.version"),
                "org.opencontainers.image.base.name", "scratch"));
        assertThat(service.root().resolve("etc/passwd")).content()
                .contains("consentgate:x:65532:65532:ConsentGate:/var/lib/consentgate:/sbin/nologin");
    }

    @Test
    void configRunsTheToolsAsTheSameUserWithTheSameJavaOptionsAndNoServiceSettings() {
        JsonNode c = tools.container();
        assertThat(tools.config().path("os").asText()).isEqualTo("linux");
        assertThat(tools.config().path("architecture").asText()).isEqualTo(service.config().path("architecture").asText());
        assertThat(strings(c.path("Entrypoint"))).containsExactly("/opt/java/bin/java", "-Duser.language=en",
                "-Duser.country=US", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp",
                "-jar", "/app/consentgate-tools.jar");
        assertThat(strings(c.path("Cmd"))).isEmpty();
        assertThat(c.path("User").asText()).isEqualTo("65532:65532");
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/tmp");
        assertThat(strings(c.path("Env"))).isEmpty();
        assertThat(names(c.path("ExposedPorts"))).isEmpty();
        assertThat(names(c.path("Volumes"))).containsExactly("/tmp");
        assertThat(JSON.convertValue(c.path("Labels"), new TypeReference<Map<String, String>>() { })).isEqualTo(Map.of(
                "org.opencontainers.image.title", "ConsentGate tools",
                "org.opencontainers.image.description", "The auditor's tools of ConsentGate: audit verify, explain, replay",
                "org.opencontainers.image.version", System.getProperty("consentgate.version"),
                "org.opencontainers.image.base.name", "scratch"));
        assertThat(tools.root().resolve("etc/passwd")).hasSameTextualContentAs(service.root().resolve("etc/passwd"));
        assertThat(tools.root().resolve("var/lib/consentgate")).doesNotExist();
    }

    @Test
    void eachImageHoldsItsOwnJarAndNotTheOthers() throws Exception {
        // The runtime's own jrt-fs.jar aside, one jar each: the service's image carries no auditor's tools.
        assertThat(service.jars()).containsExactly("/app/consentgate.jar", "/opt/java/lib/jrt-fs.jar");
        assertThat(tools.jars()).containsExactly("/app/consentgate-tools.jar", "/opt/java/lib/jrt-fs.jar");
        // Byte for byte the modules' jars, so neither is the other's under its name.
        assertThat(service.root().resolve("app/consentgate.jar")).hasSameBinaryContentAs(Path.of(System.getProperty("consentgate.service.jar")));
        assertThat(tools.root().resolve("app/consentgate-tools.jar")).hasSameBinaryContentAs(Path.of(System.getProperty("consentgate.tools.jar")));
        // Outside /app, the same files with the same content: one runtime, one set of libraries, one /etc.
        Map<String, String> serviceFiles = service.filesOutsideApp();
        assertThat(serviceFiles).containsKeys("/opt/java/lib/server/libjvm.so", "/etc/passwd");
        assertThat(tools.filesOutsideApp()).isEqualTo(serviceFiles);
    }

    @Test
    void entrypointPrintsTheVersion() throws Exception {
        Run run = run(service, "--version");
        assertThat(run.stderr()).isEmpty();
        assertThat(run.stdout()).isEqualTo("consentgate " + System.getProperty("consentgate.version") + "\n");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void entrypointListsTheServiceCommands() throws Exception {
        assertThat(commands(service)).containsExactly("run", "policy", "topics", "review");
    }

    @Test
    void toolsEntrypointPrintsTheVersionAndListsTheAuditorsCommands() throws Exception {
        Run version = run(tools, "--version");
        assertThat(version.stderr()).isEmpty();
        assertThat(version.stdout()).isEqualTo("consentgate " + System.getProperty("consentgate.version") + "\n");
        assertThat(version.exitCode()).isZero();
        assertThat(commands(tools)).containsExactly("run", "policy", "topics", "review", "audit", "decrypt", "explain", "keys", "replay",
                "subject");
    }

    /** The commands {@code --help} lists, after checking it succeeded. */
    private static List<String> commands(Image image) throws Exception {
        Run run = run(image, "--help");
        assertThat(run.stderr()).isEmpty();
        assertThat(run.exitCode()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Usage: consentgate [-hV] [COMMAND]");
        return lines.subList(lines.indexOf("Commands:") + 1, lines.size()).stream()
                .takeWhile(line -> !line.isEmpty())
                .filter(line -> line.matches("  \\S.*"))
                .map(line -> line.trim().split(" ")[0])
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"service", "tools"})
    void runtimeLoadsRocksDbCodecsAndTlsFromTheImageAlone(String name) throws Exception {
        Image image = name.equals("service") ? service : tools;
        Path root = image.root();
        Path tmp = Files.createDirectory(work.resolve(name + "-tmp"));
        List<String> entrypoint = entrypoint(image);
        int jar = entrypoint.indexOf("-jar");
        Path probeClasses = Path.of(ImageRuntimeProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(entrypoint.subList(0, jar));
        command.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-cp", entrypoint.get(jar + 1) + ":" + probeClasses));
        command.add(ImageRuntimeProbe.class.getName());

        Run run = run(image, command, tmp.resolve("probe-state").toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines.subList(0, 7))
                .containsExactly("rocksdb ok", "zstd ok", "snappy ok", "lz4 ok", "tls ok", "beans ok", "mapped:");
        List<String> mapped = lines.subList(7, lines.size());
        String imageRoot = root.toRealPath() + "/";
        String extracted = tmp.toRealPath() + "/";
        assertThat(mapped).allSatisfy(path -> assertThat(path)
                        .matches(p -> p.startsWith(imageRoot) || p.startsWith(extracted), "in the image or copied from its jar"))
                .anyMatch(path -> path.equals(imageRoot + "lib64/ld-linux-x86-64.so.2") || path.startsWith(imageRoot + "lib/ld-linux"))
                .anyMatch(path -> path.startsWith(imageRoot + "opt/java/lib/server/libjvm.so"))
                .anyMatch(path -> path.startsWith(extracted) && path.contains("rocksdbjni"));
    }

    /** The image's entrypoint with its program and the absolute paths it names resolved under the unpacked root. */
    private static List<String> entrypoint(Image image) {
        List<String> command = new ArrayList<>();
        for (String arg : strings(image.container().path("Entrypoint"))) {
            command.add(arg.startsWith("/") && Files.exists(image.root().resolve(arg.substring(1)))
                    ? image.root().resolve(arg.substring(1)).toString() : arg);
        }
        return command;
    }

    /** Runs the image's entrypoint with these arguments. */
    private static Run run(Image image, String... args) throws Exception {
        return run(image, entrypoint(image), args);
    }

    /**
     * Starts a command through the image's dynamic loader and library directories, ignoring the machine's library
     * cache, in the image's working directory, with the image's environment only.
     */
    private static Run run(Image image, List<String> command, String... args) throws Exception {
        Path root = image.root();
        Path loader;
        try (Stream<Path> files = Stream.of("lib64", "lib").map(root::resolve).filter(Files::isDirectory)
                .flatMap(ImageIT::list)) {
            List<Path> loaders = files.filter(f -> f.getFileName().toString().startsWith("ld-linux")).toList();
            assertThat(loaders).hasSize(1);
            loader = loaders.get(0);
        }
        Set<String> libraryDirs;
        try (Stream<Path> files = Files.walk(root)) {
            libraryDirs = files.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(root.resolve("opt")) && !f.startsWith(root.resolve("app"))
                            && f.getFileName().toString().contains(".so"))
                    .map(f -> f.getParent().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        List<String> full = new ArrayList<>(List.of(loader.toString(), "--inhibit-cache", "--library-path",
                String.join(":", libraryDirs)));
        full.addAll(command);
        String javaLibraryPath = Image.JAVA_LIBRARY_PATHS.get(root);
        if (javaLibraryPath == null) {
            Image.JAVA_LIBRARY_PATHS.put(root, "");
            Run settings = run(image, List.of(command.get(0), "-XshowSettings:properties", "-version"));
            assertThat(settings.exitCode()).as(settings.stderr()).isZero();
            List<String> lines = settings.stderr().lines().toList();
            int first = lines.indexOf(lines.stream().filter(l -> l.startsWith("    java.library.path = ")).findFirst().orElseThrow());
            List<String> dirs = new ArrayList<>(List.of(lines.get(first).substring("    java.library.path = ".length())));
            lines.subList(first + 1, lines.size()).stream().takeWhile(l -> l.startsWith("        /"))
                    .forEach(l -> dirs.add(l.trim()));
            javaLibraryPath = dirs.stream().map(dir -> root + dir).collect(Collectors.joining(":"));
            Image.JAVA_LIBRARY_PATHS.put(root, javaLibraryPath);
        }
        if (!javaLibraryPath.isEmpty()) {
            full.add(full.indexOf(command.get(0)) + 1, "-Djava.library.path=" + javaLibraryPath);
        }
        full.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(root.resolve(image.container().path("WorkingDir").asText().substring(1)).toFile());
        builder.environment().clear();
        for (String variable : strings(image.container().path("Env"))) {
            builder.environment().put(variable.substring(0, variable.indexOf('=')), variable.substring(variable.indexOf('=') + 1));
        }
        Path stdout = Files.createTempFile(work, "stdout", ".txt");
        Path stderr = Files.createTempFile(work, "stderr", ".txt");
        Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", full).isTrue();
        return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    /** Extracts a tar into a directory as a container engine applies a layer: in order, honouring whiteouts. */
    private static void extract(InputStream in, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = target.resolve(entry.getName()).normalize();
                assertThat(path.startsWith(target)).as("%s inside the archive's directory", entry.getName()).isTrue();
                String name = path.getFileName() == null ? "" : path.getFileName().toString();
                if (name.equals(".wh..wh..opq")) {
                    try (Stream<Path> children = list(path.getParent())) {
                        for (Path child : children.toList()) {
                            delete(child);
                        }
                    }
                    continue;
                }
                if (name.startsWith(".wh.")) {
                    delete(path.resolveSibling(name.substring(".wh.".length())));
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else {
                    Files.createDirectories(path.getParent());
                    delete(path);
                    if (entry.isSymbolicLink()) {
                        Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                        continue;
                    } else if (entry.isLink()) {
                        Files.createLink(path, target.resolve(entry.getLinkName()).normalize());
                    } else {
                        Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.setPosixFilePermissions(path, permissions(entry.getMode()));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, highest bit first
        Set<PosixFilePermission> set = new TreeSet<>();
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << (8 - bit))) != 0) {
                set.add(all[bit]);
            }
        }
        return set;
    }

    private static void delete(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.list(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A blob of the layout, after checking its digest and size. */
    private static java.io.File blob(Path layout, JsonNode descriptor) throws Exception {
        String digest = descriptor.path("digest").asText();
        assertThat(digest).startsWith("sha256:");
        Path blob = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(blob)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
            }
        }
        assertThat("sha256:" + HexFormat.of().formatHex(sha256.digest())).isEqualTo(digest);
        assertThat(Files.size(blob)).isEqualTo(descriptor.path("size").asLong());
        return blob.toFile();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
