# The Lambdas get one security group; Redis accepts only that group, on 6379. The MSK port is the
# one of kafka_auth (private connectivity; public-access ports are not opened here).

locals {
  msk_port = { iam = 9098, scram = 9096, mtls = 9094 }[var.kafka_auth]
}

resource "aws_security_group" "lambda" {
  name        = "${local.prefix}-functions"
  description = "Profile functions (Lambda)"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_redis" {
  security_group_id            = aws_security_group.lambda.id
  description                  = "Redis (TLS)"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.redis.id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_msk" {
  security_group_id            = aws_security_group.lambda.id
  description                  = "MSK brokers (${var.kafka_auth})"
  ip_protocol                  = "tcp"
  from_port                    = local.msk_port
  to_port                      = local.msk_port
  referenced_security_group_id = var.msk_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_aws_apis" {
  security_group_id = aws_security_group.lambda.id
  description       = "HTTPS to AWS APIs (Secrets Manager) through NAT or VPC endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "msk_from_lambda" {
  count = var.manage_msk_ingress ? 1 : 0

  security_group_id            = var.msk_security_group_id
  description                  = "${local.prefix} profile functions"
  ip_protocol                  = "tcp"
  from_port                    = local.msk_port
  to_port                      = local.msk_port
  referenced_security_group_id = aws_security_group.lambda.id
}

resource "aws_security_group" "redis" {
  name        = "${local.prefix}-redis"
  description = "Profile store (ElastiCache Redis): the profile functions only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_lambda" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Profile functions"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.lambda.id
}
