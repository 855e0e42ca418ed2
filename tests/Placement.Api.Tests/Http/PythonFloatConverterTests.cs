using System.Text.Json;
using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

public class PythonFloatConverterTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(16.0, "16.0")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.0, "-2.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(3.40282e+38, "3.40282e+38")]
    [InlineData(1.5e-05, "1.5e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123.456, "123.456")]
    [InlineData(1.2345678901234567e+20, "1.2345678901234567e+20")]
    [InlineData(0.0, "0.0")]
    public void DoublesReadAsPythonWritesThem(double value, string json) =>
        Assert.Equal($$"""{"allocation_ratio":{{json}}}""", JsonSerializer.Serialize(new { allocation_ratio = value }, JsonResponse.Options));
}
