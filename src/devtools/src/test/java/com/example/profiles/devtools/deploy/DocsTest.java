package com.example.profiles.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.profiles.devtools.ProjectRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The docs stay true to the repository and light to read. Every relative Markdown link and every
 * backticked path into the repository ({@code src/...}, {@code infra/...}, {@code bench/...},
 * {@code functions/...}, {@code docs/...}, {@code .ci/...}, {@code .mvn/...}) in a Markdown file
 * names a file or folder that exists, and a link's {@code #anchor} a heading of the file it points
 * to: a doc that outlives a rename or a move fails here instead of misleading its reader. Build
 * output ({@code target/}) and placeholders ({@code <name>}, {@code {out}}, {@code $VAR}) are not
 * paths of the repository; a glob ({@code functions/*}{@code /function.json}) must match something.
 * The notes beside the benchmark's recorded results ({@code bench/results}) are records of their
 * day: their commands and paths are as they were run, but their links must still lead somewhere. The front page and the benchmark page keep to their size, and neither the
 * docs nor the sources name an issue number: they say why, not when.
 */
class DocsTest {

    /** Where a backticked path into the repository starts. */
    static final List<String> REPOSITORY_FOLDERS = List.of("src/", "infra/", "bench/", "functions/", "docs/", ".ci/", ".mvn/");

    static final int README_MAX_LINES = 250;
    static final int BENCHMARKS_MAX_LINES = 200;

    /**
     * {@code [text](target)} and {@code ![alt](target "title")}; the target without its title. The
     * text is matched in runs ({@code ++}), not a character per repetition: a '[' that never closes
     * (an interval such as [since, until)) would otherwise recurse over the rest of the file.
     */
    static final Pattern LINK = Pattern.compile("\\[(?:[^\\[\\]]++|\\[[^\\]]*+\\])*+\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    /** An inline code span (fenced blocks are taken out first). */
    static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");

    /** A reference to a numbered issue: the word issue and a number, or a bare hash and a two-digit number; PKCS#12 is not one. */
    static final Pattern ISSUE_REFERENCE = Pattern.compile("(?i)issue\\s*#?\\d+|\\B#1\\d\\b");

    /** Sources whose comments are read as docs: Java, Lua, shell, properties, Terraform. */
    static final Pattern SOURCE_FILE = Pattern.compile(".*\\.(java|lua|sh|properties|tf|hcl)");

    @Test
    void everyLinkAndRepositoryPathInTheDocsResolves() throws IOException {
        Path root = ProjectRoot.path();
        List<Path> docs = markdownFiles(root);
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        for (Path doc : docs) {
            String prose = withoutFencedBlocks(Files.readString(doc, StandardCharsets.UTF_8));
            String where = root.relativize(doc).toString();
            Matcher link = LINK.matcher(prose);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
                    continue; // https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!resolved.startsWith(root) || !Files.exists(resolved)) {
                    broken.add(where + ": link (" + target + ") names nothing in the repository");
                } else if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
                        && !anchors.computeIfAbsent(resolved, DocsTest::headingAnchors).contains(anchor)) {
                    broken.add(where + ": link (" + target + ") names no heading of " + root.relativize(resolved));
                }
            }
            if (doc.startsWith(root.resolve("bench/results"))) {
                continue; // a record's commands and paths are as they were run; its links must still lead somewhere
            }
            Matcher span = CODE_SPAN.matcher(prose);
            while (span.find()) {
                String path = repositoryPath(span.group(1).trim());
                if (path != null && !exists(root, path)) {
                    broken.add(where + ": `" + span.group(1).trim() + "` names nothing in the repository");
                }
            }
        }
        assertThat(docs).as("Markdown files checked").contains(root.resolve("README.md"), root.resolve("BENCHMARKS.md"));
        assertThat(broken).as("links and paths in the docs that name nothing").isEmpty();
    }

    @Test
    void theFrontPageAndTheBenchmarkPageStayShort() throws IOException {
        Path root = ProjectRoot.path();
        assertThat(Files.readAllLines(root.resolve("README.md")).size()).as("README.md lines").isLessThanOrEqualTo(README_MAX_LINES);
        assertThat(Files.readAllLines(root.resolve("BENCHMARKS.md")).size()).as("BENCHMARKS.md lines").isLessThanOrEqualTo(BENCHMARKS_MAX_LINES);
    }

    @Test
    void noDocNamesAnIssueNumber() throws IOException {
        Path root = ProjectRoot.path();
        assertThat(issueReferences(root, markdownFiles(root))).as("issue numbers in the docs (say why, not when)").isEmpty();
    }

    @Test
    void noSourceNamesAnIssueNumber() throws IOException {
        Path root = ProjectRoot.path();
        List<Path> sources = new ArrayList<>();
        for (String folder : List.of("src", "infra", "functions", ".ci")) {
            sources.addAll(files(root.resolve(folder), file -> SOURCE_FILE.matcher(file.getFileName().toString()).matches() || isScript(file)));
        }
        try (Stream<Path> benchScripts = Files.list(root.resolve("bench"))) {
            benchScripts.filter(file -> file.toString().endsWith(".sh")).forEach(sources::add);
        }
        assertThat(sources).as("sources scanned").isNotEmpty();
        assertThat(issueReferences(root, sources)).as("issue numbers in code, comments and scripts (say why, not when)").isEmpty();
    }

    @Test
    void thePatternsTellPathsPlaceholdersAndIssueNumbersApart() {
        assertThat(repositoryPath("src/core/src/main/resources/scripts")).isEqualTo("src/core/src/main/resources/scripts");
        assertThat(repositoryPath("infra/knative/README.md#memory")).isEqualTo("infra/knative/README.md");
        assertThat(repositoryPath("src/lambda/target/function.zip")).isNull();
        assertThat(repositoryPath("functions/<name>/function.json")).isNull();
        assertThat(repositoryPath("-Xlog:gc:file={out}/gc.log")).isNull();
        assertThat(repositoryPath("bench/run.sh --help")).isNull();
        assertThat(repositoryPath("./mvnw verify")).isNull();
        String issue = "issue";
        assertThat(ISSUE_REFERENCE.matcher("as " + issue + " " + "#" + "14 asked").find()).isTrue();
        assertThat(ISSUE_REFERENCE.matcher("round two (" + issue + "14)").find()).isTrue();
        assertThat(ISSUE_REFERENCE.matcher("#" + "13's libraries").find()).isTrue();
        assertThat(ISSUE_REFERENCE.matcher("a PKCS#12 key store, a PKCS#8 key").find()).isFalse();
        assertThat(ISSUE_REFERENCE.matcher("issues with 3 brokers; pull request 1164").find()).isFalse();
        assertThat(headingSlug("Freshness: policies, the sweeper and alerts")).isEqualTo("freshness-policies-the-sweeper-and-alerts");
        assertThat(headingSlug("`com.example.customers.changed.v1` (Debezium)")).isEqualTo("comexamplecustomerschangedv1-debezium");
        assertThat(headingSlug("What `./mvnw verify` checks")).isEqualTo("what-mvnw-verify-checks");
        assertThat(headingSlug("Start-up and memory: [quick runs](x.md)")).isEqualTo("start-up-and-memory-quick-runs");
        Matcher link = LINK.matcher("see [the notes](bench/results/round2/NOTES.md#soak) and ![chart](lag.png \"lag\")");
        assertThat(link.find()).isTrue();
        assertThat(link.group(1)).isEqualTo("bench/results/round2/NOTES.md#soak");
        assertThat(link.find()).isTrue();
        assertThat(link.group(1)).isEqualTo("lag.png");
    }

    /** The repository path a code span names, without its anchor; null when it is not one (or is build output or a placeholder). */
    static String repositoryPath(String span) {
        if (REPOSITORY_FOLDERS.stream().noneMatch(span::startsWith) || span.matches(".*[\\s<>{}$…].*") || span.contains("...")
                || span.contains("target/")) {
            return null;
        }
        int hash = span.indexOf('#');
        return hash < 0 ? span : span.substring(0, hash);
    }

    /** A path exists, or a glob matches at least one file. */
    static boolean exists(Path root, String path) {
        if (!path.contains("*") && !path.contains("?")) {
            return Files.exists(root.resolve(path));
        }
        int firstWildcard = path.replaceAll("[?]", "*").indexOf('*');
        String fixed = path.substring(0, path.lastIndexOf('/', firstWildcard) + 1);
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + path.replaceAll("/$", ""));
        Path start = root.resolve(fixed);
        if (!Files.isDirectory(start)) {
            return false;
        }
        try (Stream<Path> all = Files.walk(start)) {
            return all.anyMatch(file -> glob.matches(root.relativize(file)));
        } catch (IOException e) {
            return false;
        }
    }

    /** The anchors GitHub gives a file's headings: the slug of each, numbered from the second of a name on. */
    static Set<String> headingAnchors(Path markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        try {
            for (String line : withoutFencedBlocks(Files.readString(markdown, StandardCharsets.UTF_8)).split("\n")) {
                Matcher heading = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
                if (heading.matches()) {
                    String slug = headingSlug(heading.group(1));
                    int count = seen.merge(slug, 1, Integer::sum);
                    anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(markdown + " cannot be read", e);
        }
        return anchors;
    }

    /** GitHub's slug of a heading: its text lower-cased, without punctuation, spaces as hyphens. */
    static String headingSlug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }

    /** The text with its fenced code blocks (``` or ~~~) blanked out, line numbers kept. */
    static String withoutFencedBlocks(String markdown) {
        StringBuilder prose = new StringBuilder();
        String fence = null;
        for (String line : markdown.split("\n", -1)) {
            String trimmed = line.stripLeading();
            if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
                fence = trimmed.substring(0, 3);
                prose.append('\n');
            } else if (fence != null) {
                if (trimmed.startsWith(fence)) {
                    fence = null;
                }
                prose.append('\n');
            } else {
                prose.append(line).append('\n');
            }
        }
        return prose.toString();
    }

    static List<String> issueReferences(Path root, List<Path> files) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (java.nio.charset.MalformedInputException binary) {
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = ISSUE_REFERENCE.matcher(lines.get(i));
                while (m.find()) {
                    found.add(root.relativize(file) + ":" + (i + 1) + ": " + m.group());
                }
            }
        }
        return found;
    }

    /** Every Markdown file of the project, build output and tool caches left out. */
    static List<Path> markdownFiles(Path root) throws IOException {
        return files(root, file -> file.getFileName().toString().endsWith(".md"));
    }

    static List<Path> files(Path start, java.util.function.Predicate<Path> wanted) throws IOException {
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        Path root = ProjectRoot.path();
        try (Stream<Path> all = Files.walk(start)) {
            return all.filter(Files::isRegularFile).filter(file -> !ignored(root.relativize(file))).filter(wanted).sorted().toList();
        }
    }

    /** Build output, version control, IDE and Terraform caches: not the project's own files. */
    static boolean ignored(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("node_modules") || name.equals(".terraform") || name.equals(".idea")
                    || name.equals(".vscode") || name.startsWith(".git")) {
                return true;
            }
        }
        return false;
    }

    /** An executable script without an extension (.ci/run, a zip's bootstrap): its first line is a shebang. */
    static boolean isScript(Path file) {
        if (file.getFileName().toString().contains(".")) {
            return false;
        }
        try (var in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(2);
            return start.length == 2 && start[0] == '#' && start[1] == '!';
        } catch (IOException e) {
            return false;
        }
    }
}
