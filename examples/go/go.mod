module wx-gateway-example

go 1.19
