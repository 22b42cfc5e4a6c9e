package com.example.profiles.core;

import java.lang.annotation.ElementType;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;

import org.hibernate.validator.BaseHibernateValidatorConfiguration;

import io.quarkus.hibernate.validator.ValidatorFactoryCustomizer;

/**
 * How the validator walks an event, stated here through public API: every property is reachable
 * and cascadable (the events are plain records and lists, nothing is lazily loaded), and Hibernate
 * Validator keeps no per-validation cache of those answers. With its default settings it wraps any
 * resolver it does not know as trivial in such a cache: one cache, and an entry object per property
 * visited, for every event validated (half of what the Kafka path allocated in the benchmark's JFR
 * recording, bench/results/round0/NOTES.md). Same answers, no allocation.
 */
@ApplicationScoped
public class ValidationSetup implements ValidatorFactoryCustomizer {

    /** Quarkus hands a TraversableResolver bean to the validator factory. */
    @Produces
    @Singleton
    TraversableResolver traversableResolver() {
        return new TraverseAll();
    }

    @Override
    public void customize(BaseHibernateValidatorConfiguration<?> configuration) {
        configuration.enableTraversableResolverResultCache(false);
    }

    /** Every property is reachable and cascadable. */
    public static final class TraverseAll implements TraversableResolver {

        @Override
        public boolean isReachable(Object bean, Path.Node node, Class<?> rootType, Path path, ElementType type) {
            return true;
        }

        @Override
        public boolean isCascadable(Object bean, Path.Node node, Class<?> rootType, Path path, ElementType type) {
            return true;
        }
    }
}
