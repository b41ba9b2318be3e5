# backend-bench as a container image: the runner of `k8s render`'s Indexed Job (docs/kubernetes.md).
#   docker build -t REGISTRY/backend-bench:TAG .
#   docker run --rm REGISTRY/backend-bench:TAG run --url http://target:8080/ --rate 100 --duration 30s
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: `prepare` would build before the sources are here; the build is its own step below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production NO_COLOR=1
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY scenarios ./scenarios
RUN ln -s /app/bin/backend-bench.js /usr/local/bin/backend-bench
# The image's `node` user (uid 1000): the Job's pods run as it, by number, with a read-only root filesystem.
USER node
ENTRYPOINT ["backend-bench"]
CMD ["--help"]
