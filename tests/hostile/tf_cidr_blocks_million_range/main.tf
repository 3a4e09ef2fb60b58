# a security group egress rule whose cidr_blocks is a million numbers
resource "aws_security_group" "g" {
  vpc_id = "vpc-1"
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = tolist(range(1000000))
  }
}
