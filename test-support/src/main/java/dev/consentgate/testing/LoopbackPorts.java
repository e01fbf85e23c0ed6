package dev.consentgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback ports nothing listens on just now, for the brokers, registries and services the tests start.
 * Several ports wanted together are taken while the others are still held: closed one by one, the
 * system may hand the same port out twice (a broker once got one port for both its listeners).
 */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** One free loopback port. */
    public static int free() {
        return free(1)[0];
    }

    /** {@code count} distinct free loopback ports. */
    public static int[] free(int count) {
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Only a port probe: an unclosed probe socket is released with the JVM.
                }
            }
        }
    }
}
