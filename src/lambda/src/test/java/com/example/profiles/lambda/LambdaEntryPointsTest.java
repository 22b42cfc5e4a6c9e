package com.example.profiles.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.FunctionTopics;

import io.quarkus.funqy.Funq;

/**
 * The Terraform module gives every functions/* descriptor a Lambda whose QUARKUS_FUNQY_EXPORT is
 * the function's name; a Lambda whose name no {@code @Funq} method of this binding carries cannot
 * start. So every descriptor needs an entry point here, and every entry point a descriptor.
 */
class LambdaEntryPointsTest {

    @Test
    void everyFunctionHasALambdaEntryPointAndEveryEntryPointAFunction() throws Exception {
        Set<String> descriptors = new TreeSet<>();
        try (Stream<Path> folders = Files.list(FunctionTopics.FUNCTIONS_DIR)) {
            folders.filter(dir -> Files.isRegularFile(dir.resolve("function.json"))).forEach(dir -> descriptors.add(dir.getFileName().toString()));
        }
        assertThat(descriptors).isNotEmpty();
        assertThat(entryPoints()).isEqualTo(descriptors);
    }

    /** The names of the @Funq methods of this binding's classes (the compiled package, as shipped). */
    static Set<String> entryPoints() throws IOException, URISyntaxException, ClassNotFoundException {
        Path packageDir = Path.of(KafkaBatchFunctions.class.getResource("KafkaBatchFunctions.class").toURI()).getParent();
        Set<String> names = new TreeSet<>();
        try (Stream<Path> classes = Files.list(packageDir)) {
            for (Path file : classes.filter(f -> f.toString().endsWith(".class")).toList()) {
                String className = KafkaBatchFunctions.class.getPackageName() + "." + file.getFileName().toString().replace(".class", "");
                for (Method method : Class.forName(className, false, LambdaEntryPointsTest.class.getClassLoader()).getDeclaredMethods()) {
                    Funq funq = method.getAnnotation(Funq.class);
                    if (funq != null) {
                        names.add(funq.value().isEmpty() ? method.getName() : funq.value());
                    }
                }
            }
        }
        return names;
    }
}
