using Placement.Api.Auth.Keystone;
using Placement.Api.Configuration;

namespace Placement.Api.Auth;

/// <summary>Chooses the authentication middleware for <c>[api] auth_strategy</c> and registers what it needs.</summary>
public static class AuthenticationHosting
{
    public static void AddPlacementAuthentication(this IServiceCollection services, PlacementSettings settings)
    {
        if (settings.AuthStrategy != AuthStrategy.Keystone)
        {
            return;
        }
        var keystone = KeystoneSettings.From(settings.Raw);
        services.AddSingleton(keystone);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpClient(KeystoneIdentityClient.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = keystone.HttpRequestTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = keystone.HttpConnectTimeout })
            // The factory's request logging is noise here; tokens travel in headers it would not log anyway.
            .RemoveAllLoggers();
        services.AddSingleton<KeystoneIdentityClient>();
        if (keystone.MemcachedServers.Count > 0)
        {
            services.AddSingleton<ITokenCache, MemcachedTokenCache>();
        }
        else
        {
            services.AddSingleton<ITokenCache, InProcessTokenCache>();
        }
    }

    public static void UsePlacementAuthentication(this WebApplication app, PlacementSettings settings)
    {
        if (settings.AuthStrategy == AuthStrategy.Keystone)
        {
            app.UseMiddleware<KeystoneAuthMiddleware>();
        }
        else
        {
            app.UseMiddleware<NoAuthMiddleware>();
        }
    }
}
