# One image for every server node. Runs TypeScript through tsx, as `npm start` does locally.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY server ./server
COPY actors ./actors
COPY client ./client
EXPOSE 8000
# tsx is a runtime dependency; migrations run at start-up under an advisory lock, so nodes may start together.
CMD ["node", "--import", "tsx", "server/main.ts"]
