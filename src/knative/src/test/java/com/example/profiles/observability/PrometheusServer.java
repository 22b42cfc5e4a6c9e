package com.example.profiles.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import com.example.profiles.devtools.ProjectRoot;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus server (the {@code prometheus} binary of Debian's package) on a free loopback
 * port, scraping one application's {@code /q/metrics} every second with the project's rules from
 * infra/prometheus/alerts.yml, their windows shortened so a test runs in seconds rather than
 * minutes: every {@code [5m]} range becomes {@code [20s]} and every {@code for:} 3 s (the
 * expressions, labels and annotations are the project's own; promtool's unit tests in
 * PrometheusRulesTest check the real durations). Stopped by {@link #close()}.
 */
final class PrometheusServer implements AutoCloseable {

    static final Path RULES = ProjectRoot.resolve("infra/prometheus/alerts.yml");
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Process process;
    private final String url;

    private PrometheusServer(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** The prometheus binary on the PATH, or null when it is not installed (apt-get install prometheus). */
    static Path binary() {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(folder, "prometheus");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Starts Prometheus with the shortened rules and a scrape of the app on {@code appPort}; its files go to {@code dir}. */
    static PrometheusServer start(Path binary, Path dir, int appPort) throws Exception {
        String rules = Files.readString(RULES)
                .replace("[5m]", "[20s]")
                .replaceAll("(?m)^(\\s*)for: \\S+$", "$1for: 3s");
        Files.writeString(dir.resolve("alerts.yml"), rules);
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - alerts.yml
                scrape_configs:
                  - job_name: profile-functions
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(appPort));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Process process = new ProcessBuilder(binary.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus-" + attempt + ".log").toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(process, "http://127.0.0.1:" + port);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (process.isAlive() && System.nanoTime() < deadline) {
                try {
                    if (server.get("/-/ready").statusCode() == 200) {
                        return server;
                    }
                } catch (IOException notYet) {
                    last = notYet;
                }
                Thread.sleep(200);
            }
            server.close(); // e.g. the port was taken meanwhile: try another
        }
        throw new IllegalStateException("Prometheus did not become ready; see " + dir + "/prometheus-*.log", last);
    }

    /** The result vector of an instant query. */
    List<JsonNode> query(String promql) throws Exception {
        List<JsonNode> result = new ArrayList<>();
        api("/api/v1/query?query=" + encode(promql)).path("data").path("result").forEach(result::add);
        return result;
    }

    /** A GET of the HTTP API that must answer 200, as JSON. */
    JsonNode api(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** A GET of the HTTP API whatever it answers (a query error is a 400 with {@code status: error} and the reason). */
    JsonNode answer(String path) throws Exception {
        return JSON.readTree(get(path).body());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    interface Read<T> {
        T get() throws Exception;
    }

    /** Polls until the condition holds, then answers the value that met it. */
    static <T> T await(String what, Duration atMost, Read<T> read, Predicate<T> condition) {
        List<T> seen = new ArrayList<>(1);
        Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            T value = read.get();
            seen.clear();
            seen.add(value);
            return condition.test(value);
        });
        return seen.get(0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
