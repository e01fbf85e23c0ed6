package dev.consentgate.deploy;

import com.github.luben.zstd.Zstd;
import java.beans.Introspector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import net.jpountz.lz4.LZ4Factory;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.xerial.snappy.Snappy;

/**
 * Run by {@link ImageIT} on the image's Java runtime, with the image's jar (the service's or the tools'): uses what both need beyond
 * {@code --version} (RocksDB in a state directory, the compression codecs' native libraries, TLS with elliptic
 * curves, java.beans), then prints every shared object the process has mapped, one per line after "mapped:".
 */
public final class ImageRuntimeProbe {

    private ImageRuntimeProbe() {
    }

    public static void main(String[] args) throws Exception {
        byte[] value = "consent".getBytes(StandardCharsets.UTF_8);

        RocksDB.loadLibrary();
        try (Options options = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, Path.of(args[0]).toString())) {
            db.put(value, value);
            check("rocksdb", Arrays.equals(db.get(value), value));
        }
        check("zstd", Arrays.equals(Zstd.decompress(Zstd.compress(value), value.length), value));
        check("snappy", Arrays.equals(Snappy.uncompress(Snappy.compress(value)), value));
        LZ4Factory lz4 = LZ4Factory.nativeInstance();
        check("lz4", Arrays.equals(lz4.fastDecompressor().decompress(lz4.fastCompressor().compress(value), value.length), value));
        KeyPairGenerator.getInstance("EC").generateKeyPair();
        check("tls", List.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites())
                .contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        check("beans", Introspector.getBeanInfo(ImageRuntimeProbe.class).getBeanDescriptor() != null);

        System.out.println("mapped:");
        TreeSet<String> mapped = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.contains(".so")) {
                mapped.add(line.substring(slash));
            }
        }
        mapped.forEach(System.out::println);
    }

    private static void check(String what, boolean ok) {
        if (!ok) {
            throw new IllegalStateException(what + " failed");
        }
        System.out.println(what + " ok");
    }
}
