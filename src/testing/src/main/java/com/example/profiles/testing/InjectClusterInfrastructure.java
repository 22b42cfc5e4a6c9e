package com.example.profiles.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of type {@link ClusterInfrastructure} in a test that uses
 * {@link RealClusterInfrastructure}; the resource sets it before each test:
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(RealClusterInfrastructure.class)
 * class PurchaseOnClusterIT {
 *     @InjectClusterInfrastructure
 *     ClusterInfrastructure infrastructure;
 * }
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectClusterInfrastructure {
}
