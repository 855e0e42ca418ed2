using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace Placement.Api.Auth.Keystone;

/// <summary>
/// Validated tokens' bodies, kept <c>token_cache_time</c> so a token is not sent to Keystone on every request.
/// Implementations never throw: a cache that fails behaves as an empty one.
/// </summary>
public interface ITokenCache
{
    Task<string?> GetAsync(string token, CancellationToken cancellation);

    Task SetAsync(string token, string body, CancellationToken cancellation);

    /// <summary>keystonemiddleware's key: the SHA-256 of the token, so neither the token nor its length reach the cache.</summary>
    static string Key(string token) => "tokens/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>The cache when no memcached servers are configured: this process's memory, bounded in entries.</summary>
public sealed class InProcessTokenCache(KeystoneSettings settings) : ITokenCache, IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public Task<string?> GetAsync(string token, CancellationToken cancellation) =>
        Task.FromResult(_cache.TryGetValue(ITokenCache.Key(token), out string? body) ? body : null);

    public Task SetAsync(string token, string body, CancellationToken cancellation)
    {
        if (settings.TokenCacheTime <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }
        _cache.Set(ITokenCache.Key(token), body, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = settings.TokenCacheTime,
            Size = 1,
        });
        return Task.CompletedTask;
    }

    public void Dispose() => _cache.Dispose();
}
