// What the route table hands every screen. Its own module so a screen needs nothing from the route
// table (routes.tsx), which imports the screens: the import runs one way.

export interface ScreenProps {
  params: Record<string, string>;
  query: URLSearchParams;
  roles: string[];
}
