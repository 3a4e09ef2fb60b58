# "9" * "99999999999": numeric strings multiplied
locals { b = "9" * "99999999999" }
resource "aws_vpc" "v" { cidr_block = local.b }
